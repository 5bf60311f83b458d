import path from 'node:path';
import yaml from 'js-yaml';
import { renderChart } from '../support/helmChart';

const CHART = path.resolve(__dirname, '..', '..', 'deploy', 'helm', 'backline');

const HTTP_MODE = {
  slack: { botToken: 'xoxb-1-chart-test', signingSecret: '8f742231b10e8888abcd99yyyzzz85a5' },
  database: { url: 'postgresql://backline:secret@postgres.internal:5432/backline' },
};
const SOCKET_MODE = {
  slack: { mode: 'socket', botToken: 'xoxb-1-chart-test', appToken: 'xapp-1-chart-test' },
  database: { url: 'postgresql://backline:secret@postgres.internal:5432/backline' },
};

type Manifest = Record<string, any>;

function render(values: Record<string, unknown>) {
  const { documents, notes } = renderChart(CHART, values, { name: 'acme' });
  const byKind = (kind: string): Manifest[] => documents.filter(({ manifest }) => manifest.kind === kind).map(({ manifest }) => manifest as Manifest);
  const one = (kind: string): Manifest => {
    const found = byKind(kind);
    if (found.length !== 1) throw new Error(`expected one ${kind}, rendered ${found.length}`);
    return found[0]!;
  };
  return { documents, notes, kinds: documents.map(({ manifest }) => manifest.kind).sort(), byKind, one };
}

function container(deployment: Manifest, name = 'backline'): Manifest {
  return [...(deployment.spec.template.spec.initContainers ?? []), ...deployment.spec.template.spec.containers].find((c: Manifest) => c.name === name);
}

/** The container's environment, each variable as its value or as `secret:<name>/<key>`. */
function environment(c: Manifest): Record<string, string> {
  return Object.fromEntries(c.env.map((variable: Manifest) => [variable.name, variable.valueFrom ? `secret:${variable.valueFrom.secretKeyRef.name}/${variable.valueFrom.secretKeyRef.key}` : variable.value]));
}

const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };

describe('the Helm chart in deploy/helm/backline', () => {
  describe('with its default values and the tokens of HTTP mode', () => {
    const chart = render(HTTP_MODE);
    const deployment = chart.one('Deployment');
    const serve = container(deployment);

    it('renders a Deployment, its Secret, ServiceAccount and a Service, and no PodDisruptionBudget for one replica', () => {
      expect(chart.kinds).toEqual(['Deployment', 'Secret', 'Service', 'ServiceAccount']);
      for (const { manifest } of chart.documents) {
        expect(manifest).toMatchObject({ apiVersion: expect.any(String), metadata: { name: 'acme-backline', labels: { 'app.kubernetes.io/instance': 'acme', 'app.kubernetes.io/managed-by': 'Helm' } } });
      }
      expect(deployment.spec.replicas).toBe(1);
    });

    it('runs backline serve from the chart appVersion image with readiness on /readyz and liveness on /healthz', () => {
      expect(serve).toMatchObject({ image: 'backline:0.1.0', args: ['serve'], ports: [{ name: 'http', containerPort: 3000, protocol: 'TCP' }] });
      expect(serve.readinessProbe).toEqual({ httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 });
      expect(serve.livenessProbe).toEqual({ httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 });
      expect(serve.startupProbe).toEqual({ httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2, failureThreshold: 60 });
    });

    it('runs as a non-root user on a read-only root file system without capabilities, writing only /tmp and the data folder', () => {
      expect(deployment.spec.template.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
      expect(serve.securityContext).toEqual(RESTRICTED_CONTAINER);
      expect(serve.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, { name: 'data', mountPath: '/var/lib/backline' }]);
      expect(deployment.spec.template.spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }, { name: 'data', emptyDir: { sizeLimit: '512Mi' } }]);
      expect(environment(serve).BACKLINE_DATA_DIR).toBe('/var/lib/backline');
      expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(false);
    });

    it('requests the memory serve was measured to use at its start-up peak, with room, and limits it to 512 MiB', () => {
      // docs/performance.md#serve-memory: 210 MiB at start-up with 100,000 entities, 106 MiB idle.
      expect(serve.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    });

    it('gives serve the tokens and the database from the Secret, in HTTP mode even if the Secret held an app token', () => {
      expect(environment(serve)).toEqual({
        PORT: '3000',
        BACKLINE_DATA_DIR: '/var/lib/backline',
        DATABASE_URL: 'secret:acme-backline/DATABASE_URL',
        SLACK_BOT_TOKEN: 'secret:acme-backline/SLACK_BOT_TOKEN',
        SLACK_SIGNING_SECRET: 'secret:acme-backline/SLACK_SIGNING_SECRET',
        SLACK_APP_TOKEN: '',
      });
      expect(serve.envFrom).toEqual([{ secretRef: { name: 'acme-backline' } }]);
      expect(chart.one('Secret').stringData).toEqual({
        DATABASE_URL: HTTP_MODE.database.url,
        SLACK_BOT_TOKEN: HTTP_MODE.slack.botToken,
        SLACK_SIGNING_SECRET: HTTP_MODE.slack.signingSecret,
      });
    });

    it('migrates in an init container that receives only the database from the Secret', () => {
      const migrate = container(deployment, 'migrate');
      expect(migrate).toMatchObject({ image: 'backline:0.1.0', args: ['migrate'], securityContext: RESTRICTED_CONTAINER });
      expect(environment(migrate)).toEqual({ DATABASE_URL: 'secret:acme-backline/DATABASE_URL' });
      expect(migrate.envFrom).toBeUndefined();
    });

    it('exposes the http port through a Service that selects the pods', () => {
      const service = chart.one('Service');
      expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
      expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
      expect(deployment.spec.selector.matchLabels).toEqual(service.spec.selector);
    });

    it('replaces a pod only once its successor is ready', () => {
      expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
      expect(chart.notes).toContain('HTTP mode: Slack must reach POST /slack/events');
    });
  });

  describe('in Socket Mode', () => {
    const chart = render({ ...SOCKET_MODE, ingress: { enabled: true } });
    const serve = container(chart.one('Deployment'));

    it('renders no Service and no Ingress: Slack needs no address', () => {
      expect(chart.kinds).toEqual(['Deployment', 'Secret', 'ServiceAccount']);
      expect(chart.notes).toContain('Socket Mode: Backline connects to Slack itself');
    });

    it('gives serve the app-level token and no signing secret, and still probes its port', () => {
      expect(environment(serve)).toMatchObject({ SLACK_BOT_TOKEN: 'secret:acme-backline/SLACK_BOT_TOKEN', SLACK_APP_TOKEN: 'secret:acme-backline/SLACK_APP_TOKEN' });
      expect(environment(serve)).not.toHaveProperty('SLACK_SIGNING_SECRET');
      expect(chart.one('Secret').stringData).toEqual({ DATABASE_URL: SOCKET_MODE.database.url, SLACK_BOT_TOKEN: 'xoxb-1-chart-test', SLACK_APP_TOKEN: 'xapp-1-chart-test' });
      expect(serve.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(serve.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    });

    it('keeps a Service for metrics and webhooks when asked to', () => {
      expect(render({ ...SOCKET_MODE, service: { createInSocketMode: true } }).kinds).toContain('Service');
    });
  });

  describe('with several replicas', () => {
    const chart = render({ ...HTTP_MODE, replicaCount: 3 });

    it('keeps all but one pod up through voluntary disruptions', () => {
      const deployment = chart.one('Deployment');
      const budget = chart.one('PodDisruptionBudget');
      expect(deployment.spec.replicas).toBe(3);
      expect(budget).toMatchObject({ apiVersion: 'policy/v1', spec: { maxUnavailable: 1 } });
      expect(budget.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    });

    it('leaves the budget out when it is turned off', () => {
      expect(render({ ...HTTP_MODE, replicaCount: 3, podDisruptionBudget: { enabled: false } }).kinds).not.toContain('PodDisruptionBudget');
    });
  });

  it('uses an existing Secret by name instead of creating one, for every variable', () => {
    const chart = render({ existingSecret: 'backline-tokens' });
    const deployment = chart.one('Deployment');
    expect(chart.kinds).not.toContain('Secret');
    expect(Object.values(environment(container(deployment))).filter((value) => value.startsWith('secret:'))).toEqual([
      'secret:backline-tokens/DATABASE_URL',
      'secret:backline-tokens/SLACK_BOT_TOKEN',
      'secret:backline-tokens/SLACK_SIGNING_SECRET',
    ]);
    expect(container(deployment).envFrom).toEqual([{ secretRef: { name: 'backline-tokens' } }]);
    expect(environment(container(deployment, 'migrate'))).toEqual({ DATABASE_URL: 'secret:backline-tokens/DATABASE_URL' });
  });

  it('puts further secret variables in the Secret, and further variables beside the chart\'s own', () => {
    const chart = render({ ...HTTP_MODE, secretEnv: { GITHUB_TOKEN: 'ghp_chart' }, extraEnv: [{ name: 'BACKLINE_GITHUB_ORGS', value: 'acme' }] });
    expect(chart.one('Secret').stringData).toMatchObject({ GITHUB_TOKEN: 'ghp_chart' });
    expect(environment(container(chart.one('Deployment')))).toMatchObject({ BACKLINE_GITHUB_ORGS: 'acme' });
  });

  it('mounts backline.yaml from a ConfigMap, and restarts the pods when it changes', () => {
    const config = { health: { schedule: '15 * * * *' }, catalog: { rules: [{ allow: ['Component', 'API'] }] } };
    const chart = render({ ...HTTP_MODE, config });
    const deployment = chart.one('Deployment');
    const serve = container(deployment);
    expect(yaml.load(chart.one('ConfigMap').data['backline.yaml'])).toEqual(config);
    expect(environment(serve).BACKLINE_CONFIG).toBe('/etc/backline/backline.yaml');
    expect(serve.volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/backline', readOnly: true });
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'acme-backline' } });
    const changed = render({ ...HTTP_MODE, config: { health: { schedule: '45 * * * *' } } }).one('Deployment');
    expect(changed.spec.template.metadata.annotations['checksum/config']).not.toBe(deployment.spec.template.metadata.annotations['checksum/config']);
  });

  it('routes only what Slack and GitHub call through the Ingress, never /metrics', () => {
    const ingress = render({ ...HTTP_MODE, ingress: { enabled: true, className: 'nginx', tlsSecretName: 'backline-tls' } }).one('Ingress');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([{ hosts: ['backline.example.com'], secretName: 'backline-tls' }]);
    expect(ingress.spec.rules[0].http.paths.map((route: Manifest) => [route.path, route.pathType, route.backend.service.name, route.backend.service.port.name])).toEqual([
      ['/slack/events', 'Exact', 'acme-backline', 'http'],
      ['/github/webhook', 'Exact', 'acme-backline', 'http'],
    ]);
  });

  it('refuses to install a bot that could not start, naming the value to set', () => {
    expect(() => render({})).toThrow(/Set slack.botToken to the Bot User OAuth Token/);
    expect(() => render({ ...HTTP_MODE, slack: { botToken: 'xoxb-1' } })).toThrow(/slack.mode http needs slack.signingSecret/);
    expect(() => render({ ...SOCKET_MODE, slack: { mode: 'socket', botToken: 'xoxb-1' } })).toThrow(/slack.mode socket needs slack.appToken/);
    expect(() => render({ slack: HTTP_MODE.slack })).toThrow(/Set database.url to your PostgreSQL server/);
    expect(() => render({ ...HTTP_MODE, slack: { ...HTTP_MODE.slack, mode: 'events' } })).toThrow('slack.mode must be http (Slack posts to /slack/events) or socket (Socket Mode), not "events"');
  });
});
