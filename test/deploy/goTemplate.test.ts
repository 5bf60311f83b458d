import { TemplateFailure, TemplateSet } from '../support/goTemplate';

/** Renders one template source with `data` as its dot, as Helm renders a file. */
function render(source: string, data: unknown = {}, helpers = ''): string {
  const templates = new TemplateSet();
  if (helpers) templates.add('_helpers.tpl', helpers);
  templates.add('file.yaml', source);
  return templates.render('file.yaml', data);
}

describe('the Go template subset the Helm chart is rendered with', () => {
  it('trims whitespace on the side of a dash and keeps it elsewhere', () => {
    expect(render('a:\n  {{- if .x }}\n  b: {{ .x }}\n  {{- end }}\nc: 1', { x: 'y' })).toBe('a:\n  b: y\nc: 1');
    expect(render('[ {{ .x -}} ]', { x: 1 })).toBe('[ 1]');
  });

  it('treats empty values as false and chooses the first true branch', () => {
    const source = '{{ if .a }}a{{ else if .b }}b{{ else }}none{{ end }}';
    expect(render(source, { a: '', b: [1] })).toBe('b');
    expect(render(source, { a: {}, b: 0 })).toBe('none');
    expect(render(source, { a: 'yes', b: true })).toBe('a');
  });

  it('moves the dot into with and range, and keeps $ at the top', () => {
    expect(render('{{ with .m }}{{ .k }}{{ end }}', { m: { k: 'v' } })).toBe('v');
    expect(render('{{ range .l }}{{ . }}-{{ $.s }};{{ else }}empty{{ end }}', { l: ['a', 'b'], s: 'top' })).toBe('a-top;b-top;');
    expect(render('{{ range .l }}{{ . }}{{ else }}empty{{ end }}', { l: [] })).toBe('empty');
  });

  it('includes a defined template and indents YAML as toYaml | nindent does', () => {
    const helpers = '{{- define "labels" -}}\nname: {{ .name }}\n{{- end }}';
    expect(render('metadata:\n  labels:\n    {{- include "labels" . | nindent 4 }}', { name: 'backline' }, helpers)).toBe('metadata:\n  labels:\n    name: backline');
    expect(render('spec:\n  {{- toYaml .v | nindent 2 }}', { v: { b: [1, 2], a: 'x' } })).toBe('spec:\n  a: x\n  b:\n    - 1\n    - 2');
  });

  it('prints a missing value as nothing but refuses a field of nothing, as Helm does', () => {
    expect(render('[{{ .Values.missing }}]', { Values: {} })).toBe('[]');
    expect(() => render('{{ .Values.missing.deeper }}', { Values: {} })).toThrow('nil pointer evaluating interface {}.deeper');
  });

  it('keeps YAML numbers float64: comparing needs int, and a million prints as 1e+06', () => {
    expect(() => render('{{ if gt .n 1 }}many{{ end }}', { n: 2 })).toThrow('incompatible types for comparison');
    expect(render('{{ if gt (int .n) 1 }}many{{ end }}', { n: 2 })).toBe('many');
    expect(render('{{ .n }} {{ .m }} {{ .n | quote }}', { n: 999999, m: 1000000 })).toBe('999999 1e+06 "999999"');
  });

  it('raises fail and required as failures the installer reads', () => {
    expect(() => render('{{ fail "set x" }}')).toThrow(new TemplateFailure('set x'));
    expect(() => render('{{ required "x is required" .x }}', { x: '' })).toThrow('x is required');
    expect(render('{{ .x | default "d" }} {{ printf "%s-%s" "a" "b" | trunc 3 }} {{ "abc-" | trimSuffix "-" }}', { x: null })).toBe('d a-b abc');
  });

  it('refuses what is outside the subset instead of rendering it differently', () => {
    expect(() => render('{{ .x | upper }}', { x: 'a' })).toThrow('function "upper" is outside the supported template subset');
    expect(() => render('{{ template "x" . }}')).toThrow('outside the supported template subset');
    expect(() => render('{{ if .x }}never closed', { x: 1 })).toThrow('is never closed');
  });
});
