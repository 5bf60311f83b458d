/**
 * The smallest template a scaffolder test needs: a name and a repository URL, a fetch of the
 * skeleton, and one publish step. Tests vary only the publish action and its extra input.
 */
export function minimalTemplate(name: string, publish: { action: 'publish:github' | 'publish:local'; input?: Record<string, unknown> }): string {
  const extra = Object.entries(publish.input ?? {})
    .map(([key, value]) => `, ${key}: ${JSON.stringify(value)}`)
    .join('');
  return `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: ${name} }
spec:
  type: service
  parameters:
    - required: [name, repoUrl]
      properties:
        name: { type: string }
        repoUrl: { type: string, ui:field: RepoUrlPicker }
  steps:
    - id: fetch
      action: fetch:template
      input: { url: ./skeleton, values: { name: '\${{ parameters.name }}' } }
    - id: publish
      action: ${publish.action}
      input: { repoUrl: '\${{ parameters.repoUrl }}'${extra} }
`;
}
