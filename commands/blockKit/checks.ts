/**
 * Block Kit limits as checks: what Slack would refuse in a message or a view, with the path to the
 * part that breaks a limit. The loopback fake Slack runs them on every call, so a renderer that
 * overflows fails its test instead of production.
 */
import { BLOCK_KIT_LIMITS, KNOWN_BLOCK_TYPES, truncate } from './limits';

/** Violations in a message payload (chat.postMessage/update/postEphemeral, response_url). */
export function checkMessageLimits(payload: { text?: string; blocks?: unknown[] }): string[] {
  const problems: string[] = [];
  const { text, blocks } = payload;
  if (typeof text === 'string' && text.length > BLOCK_KIT_LIMITS.messageText) {
    problems.push(tooLong('text', 'message text', text.length, BLOCK_KIT_LIMITS.messageText));
  }
  if (blocks === undefined) return problems;
  if (!Array.isArray(blocks)) {
    problems.push('blocks: must be an array of blocks');
    return problems;
  }
  if (blocks.length > BLOCK_KIT_LIMITS.messageBlocks) {
    problems.push(tooMany('blocks', 'blocks in a message', blocks.length, BLOCK_KIT_LIMITS.messageBlocks));
  }
  const json = JSON.stringify(blocks).length;
  if (json > BLOCK_KIT_LIMITS.messageBlocksJson) {
    problems.push(
      `blocks: ${json} characters of JSON in total, over Slack's limit of about ` +
        `${BLOCK_KIT_LIMITS.messageBlocksJson} (msg_blocks_too_long)`,
    );
  }
  checkBlocks(blocks, 'blocks', problems);
  return problems;
}

/** Violations in a view (views.open/update/push/publish): a modal or a Home tab. */
export function checkViewLimits(view: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(view)) return ['view: must be an object'];
  const bytes = Buffer.byteLength(JSON.stringify(view), 'utf8');
  if (bytes > BLOCK_KIT_LIMITS.viewJsonBytes) {
    problems.push(`view: ${bytes} bytes of JSON, over Slack's limit of ${BLOCK_KIT_LIMITS.viewJsonBytes} (view_too_large)`);
  }
  if (view.type !== 'modal' && view.type !== 'home') {
    problems.push(`view.type: must be 'modal' or 'home', not ${describe(view.type)}`);
  }
  if (view.type === 'modal') {
    if (view.title === undefined) problems.push('view.title: a modal needs a title');
    else checkText(view.title, 'view.title', problems, { what: 'modal title', max: BLOCK_KIT_LIMITS.modalTitle, plainOnly: true });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isRecord(b) && b.type === 'input');
    if (view.submit !== undefined) {
      checkText(view.submit, 'view.submit', problems, { what: 'modal submit', max: BLOCK_KIT_LIMITS.modalSubmit, plainOnly: true });
    } else if (hasInput) {
      problems.push('view.submit: a modal with input blocks needs a submit button');
    }
    if (view.close !== undefined) {
      checkText(view.close, 'view.close', problems, { what: 'modal close', max: BLOCK_KIT_LIMITS.modalClose, plainOnly: true });
    }
  }
  checkStringLimit(view.private_metadata, 'view.private_metadata', 'private_metadata', BLOCK_KIT_LIMITS.privateMetadata, problems);
  checkStringLimit(view.callback_id, 'view.callback_id', 'callback_id', BLOCK_KIT_LIMITS.callbackId, problems);
  checkStringLimit(view.external_id, 'view.external_id', 'external_id', BLOCK_KIT_LIMITS.externalId, problems);
  if (!Array.isArray(view.blocks)) {
    problems.push('view.blocks: must be an array of blocks');
    return problems;
  }
  if (view.blocks.length > BLOCK_KIT_LIMITS.viewBlocks) {
    problems.push(tooMany('view.blocks', 'blocks in a view', view.blocks.length, BLOCK_KIT_LIMITS.viewBlocks));
  }
  checkBlocks(view.blocks, 'view.blocks', problems);
  return problems;
}

// ---------------------------------------------------------------------------------------------

type Problems = string[];

interface TextRule {
  what: string;
  max: number;
  plainOnly?: boolean;
}

function checkBlocks(blocks: unknown[], path: string, problems: Problems): void {
  const blockIds = new Map<string, string>();
  blocks.forEach((block, index) => {
    const at = `${path}[${index}]`;
    if (!isRecord(block)) {
      problems.push(`${at}: must be a block object, not ${describe(block)}`);
      return;
    }
    if (typeof block.type !== 'string' || !KNOWN_BLOCK_TYPES.has(block.type)) {
      problems.push(`${at}.type: unknown block type ${describe(block.type)}`);
      return;
    }
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string' || block.block_id.length === 0) {
        problems.push(`${at}.block_id: must be a non-empty string`);
      } else {
        checkStringLimit(block.block_id, `${at}.block_id`, 'block_id', BLOCK_KIT_LIMITS.blockId, problems);
        const first = blockIds.get(block.block_id);
        if (first !== undefined) problems.push(`${at}.block_id: '${block.block_id}' is already used by ${first}`);
        else blockIds.set(block.block_id, at);
      }
    }
    checkBlock(block, at, problems);
  });
}

function checkBlock(block: Record<string, unknown>, at: string, problems: Problems): void {
  switch (block.type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined) {
        problems.push(`${at}: a section needs text or fields`);
      }
      if (block.text !== undefined) {
        checkText(block.text, `${at}.text`, problems, { what: 'section text', max: BLOCK_KIT_LIMITS.sectionText });
      }
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields)) {
          problems.push(`${at}.fields: must be an array of text objects`);
        } else {
          if (block.fields.length > BLOCK_KIT_LIMITS.sectionFields) {
            problems.push(tooMany(`${at}.fields`, 'section fields', block.fields.length, BLOCK_KIT_LIMITS.sectionFields));
          }
          block.fields.forEach((field, i) =>
            checkText(field, `${at}.fields[${i}]`, problems, { what: 'section field', max: BLOCK_KIT_LIMITS.sectionFieldText }),
          );
        }
      }
      if (block.accessory !== undefined) checkElement(block.accessory, `${at}.accessory`, problems, new Map());
      return;
    }
    case 'header':
      checkText(block.text, `${at}.text`, problems, { what: 'header text', max: BLOCK_KIT_LIMITS.headerText, plainOnly: true });
      return;
    case 'context': {
      if (!nonEmptyArray(block.elements, `${at}.elements`, problems)) return;
      if (block.elements.length > BLOCK_KIT_LIMITS.contextElements) {
        problems.push(tooMany(`${at}.elements`, 'context elements', block.elements.length, BLOCK_KIT_LIMITS.contextElements));
      }
      block.elements.forEach((element, i) => {
        const where = `${at}.elements[${i}]`;
        if (isRecord(element) && element.type === 'image') checkImage(element, where, problems);
        else checkText(element, where, problems, { what: 'context text', max: BLOCK_KIT_LIMITS.sectionText });
      });
      return;
    }
    case 'actions': {
      if (!nonEmptyArray(block.elements, `${at}.elements`, problems)) return;
      if (block.elements.length > BLOCK_KIT_LIMITS.actionsElements) {
        problems.push(tooMany(`${at}.elements`, 'actions elements', block.elements.length, BLOCK_KIT_LIMITS.actionsElements));
      }
      const actionIds = new Map<string, string>();
      block.elements.forEach((element, i) => checkElement(element, `${at}.elements[${i}]`, problems, actionIds));
      return;
    }
    case 'input':
      checkText(block.label, `${at}.label`, problems, { what: 'input label', max: BLOCK_KIT_LIMITS.inputLabel, plainOnly: true });
      if (block.hint !== undefined) {
        checkText(block.hint, `${at}.hint`, problems, { what: 'input hint', max: BLOCK_KIT_LIMITS.inputHint, plainOnly: true });
      }
      if (block.element === undefined) problems.push(`${at}.element: an input block needs an element`);
      else checkElement(block.element, `${at}.element`, problems, new Map());
      return;
    case 'image':
      checkImage(block, at, problems);
      if (block.title !== undefined) {
        checkText(block.title, `${at}.title`, problems, { what: 'image title', max: 2000, plainOnly: true });
      }
      return;
    default:
      return;
  }
}

const OPTION_LIMITS: Record<string, { max: number; name: string }> = {
  static_select: { max: BLOCK_KIT_LIMITS.staticSelectOptions, name: 'static_select options' },
  multi_static_select: { max: BLOCK_KIT_LIMITS.staticSelectOptions, name: 'multi_static_select options' },
  overflow: { max: BLOCK_KIT_LIMITS.overflowOptions, name: 'overflow options' },
  checkboxes: { max: BLOCK_KIT_LIMITS.checkboxOptions, name: 'checkboxes options' },
  radio_buttons: { max: BLOCK_KIT_LIMITS.radioOptions, name: 'radio_buttons options' },
};

function checkElement(element: unknown, at: string, problems: Problems, actionIds: Map<string, string>): void {
  if (!isRecord(element) || typeof element.type !== 'string') {
    problems.push(`${at}: must be an element object with a type`);
    return;
  }
  if (element.action_id !== undefined) {
    if (typeof element.action_id !== 'string' || element.action_id.length === 0) {
      problems.push(`${at}.action_id: must be a non-empty string`);
    } else {
      checkStringLimit(element.action_id, `${at}.action_id`, 'action_id', BLOCK_KIT_LIMITS.actionId, problems);
      const first = actionIds.get(element.action_id);
      if (first !== undefined) problems.push(`${at}.action_id: '${element.action_id}' is already used in this block by ${first}`);
      else actionIds.set(element.action_id, at);
    }
  }
  if (element.placeholder !== undefined) {
    checkText(element.placeholder, `${at}.placeholder`, problems, { what: 'placeholder', max: 150, plainOnly: true });
  }
  if (element.type === 'button') {
    checkText(element.text, `${at}.text`, problems, { what: 'button text', max: BLOCK_KIT_LIMITS.buttonText, plainOnly: true });
    checkStringLimit(element.value, `${at}.value`, 'button value', BLOCK_KIT_LIMITS.buttonValue, problems);
    checkStringLimit(element.url, `${at}.url`, 'button url', BLOCK_KIT_LIMITS.buttonUrl, problems);
    return;
  }
  if (element.type === 'image') {
    checkImage(element, at, problems);
    return;
  }
  const optionLimit = OPTION_LIMITS[element.type];
  if (optionLimit === undefined) return;
  // Checkbox and radio options may use mrkdwn; select and overflow options are plain_text only.
  const plainOnly = element.type !== 'checkboxes' && element.type !== 'radio_buttons';
  if (element.option_groups !== undefined) {
    if (!Array.isArray(element.option_groups)) {
      problems.push(`${at}.option_groups: must be an array`);
      return;
    }
    if (element.option_groups.length > BLOCK_KIT_LIMITS.optionGroups) {
      problems.push(tooMany(`${at}.option_groups`, 'option groups', element.option_groups.length, BLOCK_KIT_LIMITS.optionGroups));
    }
    element.option_groups.forEach((group, g) => {
      const where = `${at}.option_groups[${g}]`;
      if (!isRecord(group)) {
        problems.push(`${where}: must be an option group object`);
        return;
      }
      checkText(group.label, `${where}.label`, problems, { what: 'option group label', max: BLOCK_KIT_LIMITS.optionText, plainOnly: true });
      checkOptions(group.options, `${where}.options`, optionLimit, plainOnly, problems);
    });
    return;
  }
  checkOptions(element.options, `${at}.options`, optionLimit, plainOnly, problems);
}

function checkOptions(options: unknown, at: string, limit: { max: number; name: string }, plainOnly: boolean, problems: Problems): void {
  if (!nonEmptyArray(options, at, problems)) return;
  if (options.length > limit.max) problems.push(tooMany(at, limit.name, options.length, limit.max));
  options.forEach((option, i) => {
    const where = `${at}[${i}]`;
    if (!isRecord(option)) {
      problems.push(`${where}: must be an option object`);
      return;
    }
    checkText(option.text, `${where}.text`, problems, { what: 'option text', max: BLOCK_KIT_LIMITS.optionText, plainOnly });
    checkStringLimit(option.value, `${where}.value`, 'option value', BLOCK_KIT_LIMITS.optionValue, problems);
    checkStringLimit(option.url, `${where}.url`, 'option url', BLOCK_KIT_LIMITS.buttonUrl, problems);
  });
}

function checkImage(image: Record<string, unknown>, at: string, problems: Problems): void {
  if (typeof image.image_url !== 'string' && !isRecord(image.slack_file)) {
    problems.push(`${at}: an image needs image_url or slack_file`);
  }
  if (typeof image.alt_text !== 'string' || image.alt_text.length === 0) {
    problems.push(`${at}.alt_text: an image needs alt_text`);
  }
}

function checkText(value: unknown, at: string, problems: Problems, rule: TextRule): void {
  if (!isRecord(value)) {
    problems.push(`${at}: ${rule.what} must be a text object ({ type, text }), not ${describe(value)}`);
    return;
  }
  if (value.type !== 'plain_text' && value.type !== 'mrkdwn') {
    problems.push(`${at}.type: a text object's type must be 'plain_text' or 'mrkdwn', not ${describe(value.type)}`);
    return;
  }
  if (rule.plainOnly && value.type !== 'plain_text') {
    problems.push(`${at}.type: ${rule.what} must be plain_text, not mrkdwn`);
  }
  if (typeof value.text !== 'string') {
    problems.push(`${at}.text: ${rule.what} must be a string, not ${describe(value.text)}`);
    return;
  }
  if (value.text.length === 0) {
    problems.push(`${at}.text: ${rule.what} is empty; Slack needs at least 1 character`);
    return;
  }
  if (value.text.length > rule.max) problems.push(tooLong(`${at}.text`, rule.what, value.text.length, rule.max));
}

function checkStringLimit(value: unknown, at: string, what: string, max: number, problems: Problems): void {
  if (value === undefined) return;
  if (typeof value !== 'string') {
    problems.push(`${at}: ${what} must be a string, not ${describe(value)}`);
    return;
  }
  if (value.length > max) problems.push(tooLong(at, what, value.length, max));
}

function nonEmptyArray(value: unknown, at: string, problems: Problems): value is unknown[] {
  if (Array.isArray(value) && value.length > 0) return true;
  problems.push(`${at}: must be a non-empty array`);
  return false;
}

function tooLong(at: string, what: string, length: number, max: number): string {
  return `${at}: ${what} is ${length} characters, over Slack's limit of ${max}`;
}

function tooMany(at: string, what: string, count: number, max: number): string {
  return `${at}: ${count} ${what}, over Slack's limit of ${max}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${truncate(value, 40)}'`;
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : String(value);
}
