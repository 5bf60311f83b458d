import { caller, repoTarget, type GitHubApi } from './githubApi';
import { ActionError, booleanInput, stringInput, stringListInput, type Action } from './types';

/**
 * Backstage's GitHub actions that change one thing on an existing repository: labels on an issue
 * or pull request, a workflow_dispatch, a webhook. As in Backstage, a label or webhook GitHub refuses
 * is a warning in the task's log, not a failed task; a dispatch that fails fails the step.
 */
export function createGitHubRepositoryActions(options: { api: GitHubApi; webUrl: string }): Action[] {
  return [
    {
      id: 'github:issues:label',
      async run(context) {
        const action = 'github:issues:label';
        const { owner, repo } = repoTarget(context.input, action, options.webUrl);
        const number = Number(context.input.number);
        if (!Number.isInteger(number) || number < 1) throw new ActionError(`${action} needs the input "number": the issue or pull request number`);
        const labels = stringListInput(context.input, 'labels', action);
        if (!labels.length) throw new ActionError(`${action} needs the input "labels": a list of labels`);
        const answer = await options.api.request({ method: 'POST', path: `/repos/${owner}/${repo}/issues/${number}/labels`, owner, body: { labels } });
        context.log(answer.status === 200 ? `${action}: labelled #${number} ${labels.join(', ')}` : `${action}: GitHub answered ${answer.status} when labelling #${number} of ${owner}/${repo}; the labels were not added`);
        return {};
      },
    },
    {
      id: 'github:actions:dispatch',
      async run(context) {
        const action = 'github:actions:dispatch';
        const { owner, repo } = repoTarget(context.input, action, options.webUrl);
        const workflowId = stringInput(context.input, 'workflowId', { required: true, action });
        const ref = stringInput(context.input, 'branchOrTagName', { required: true, action });
        const inputs = context.input.workflowInputs ?? {};
        if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) throw new ActionError(`${action}'s input "workflowInputs" must be a mapping of names to values`);
        await caller(options.api, owner)(
          { method: 'POST', path: `/repos/${owner}/${repo}/actions/workflows/${encodeURIComponent(workflowId)}/dispatches`, body: { ref, inputs } },
          [204],
          `dispatching the workflow ${workflowId}`,
        );
        context.log(`${action}: dispatched ${workflowId} on ${ref} of ${owner}/${repo}`);
        return {};
      },
    },
    {
      id: 'github:webhook',
      async run(context) {
        const action = 'github:webhook';
        const { input } = context;
        const { owner, repo } = repoTarget(input, action, options.webUrl);
        const webhookUrl = stringInput(input, 'webhookUrl', { required: true, action });
        if (!/^https?:\/\//i.test(webhookUrl)) throw new ActionError(`${action}'s webhookUrl must be an http(s) URL`);
        const contentType = stringInput(input, 'contentType', { action }) ?? 'form';
        if (contentType !== 'form' && contentType !== 'json') throw new ActionError(`${action}'s contentType must be form or json`);
        const events = input.events === undefined ? ['*'] : stringListInput(input, 'events', action);
        const secret = stringInput(input, 'webhookSecret', { action });
        const answer = await options.api.request({
          method: 'POST',
          path: `/repos/${owner}/${repo}/hooks`,
          owner,
          body: {
            config: { url: webhookUrl, content_type: contentType, ...(secret && { secret }), insecure_ssl: booleanInput(input, 'insecureSsl', action, false) ? '1' : '0' },
            events,
            active: booleanInput(input, 'active', action, true),
          },
        });
        // The secret is never logged; the URL is the template's own.
        context.log(answer.status === 201 ? `${action}: created the webhook ${webhookUrl} on ${owner}/${repo}` : `${action}: GitHub answered ${answer.status} when creating the webhook ${webhookUrl} on ${owner}/${repo}; it was not created`);
        return {};
      },
    },
  ];
}
