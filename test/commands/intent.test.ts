import { readIntent } from '../../commands/intent';

describe('reading what someone means in plain words', () => {
  it.each([
    ['<@U0BACKLINE> who owns payments-api?', { command: '/whoowns', text: 'payments-api' }],
    ['Who owns the Payments API', { command: '/whoowns', text: 'Payments API' }],
    ["who's the owner of card-vault", { command: '/whoowns', text: 'card-vault' }],
    ['which team maintains northwind/ledger-service?', { command: '/whoowns', text: 'northwind/ledger-service' }],
    ['what does <#C04PAYMENTS1|team-payments> own?', { command: '/whoowns', text: '<#C04PAYMENTS1|team-payments>' }],
    ['what does #team-payments own', { command: '/whoowns', text: '#team-payments' }],
    ["who's on call for risk", { command: '/oncall', text: 'risk' }],
    ['who is on-call for payments-service?', { command: '/oncall', text: 'payments-service' }],
    ['who is on call', { command: '/oncall', text: '' }],
    ['oncall ledger', { command: '/oncall', text: 'ledger' }],
    ['docs for payments refunds', { command: '/docs', text: 'payments refunds' }],
    ['where are the docs for card-vault?', { command: '/docs', text: 'card-vault' }],
    ['runbook for ledger-service', { command: '/docs', text: 'ledger-service' }],
    ['is there a geocoding api?', { command: '/find', text: 'is there a geocoding api' }],
    ['Do we have a tool for linting code?', { command: '/find', text: 'Do we have a tool for linting code' }],
    ['/find kind:api owner:payments', { command: '/find', text: 'kind:api owner:payments' }],
    ['whoowns payments-service', { command: '/whoowns', text: 'payments-service' }],
    ['hi, who owns ledger-api? thanks', { command: '/whoowns', text: 'ledger-api' }],
  ])('reads %j', (text, intent) => {
    expect(readIntent(text, { botUserId: 'U0BACKLINE' })).toEqual(intent);
  });

  it('answers help, and a mention with nothing else, with what it understands', () => {
    expect(readIntent('help')).toEqual({ command: 'help' });
    expect(readIntent('<@U0BACKLINE>', { botUserId: 'U0BACKLINE' })).toEqual({ command: 'help' });
    expect(readIntent('what can you do?')).toEqual({ command: 'help' });
  });

  it('calls anything else unclear, keeping the words as typed', () => {
    expect(readIntent('<@U0BACKLINE> fraud rules', { botUserId: 'U0BACKLINE' })).toEqual({ command: 'unclear', text: 'fraud rules' });
    expect(readIntent('payments-api')).toEqual({ command: 'unclear', text: 'payments-api' });
  });
});
