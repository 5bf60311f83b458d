import nock from 'nock';

// No test reaches the internet: only loopback servers (the test's own fakes and PostgreSQL).
nock.disableNetConnect();
nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost') || host.startsWith('[::1]'));
