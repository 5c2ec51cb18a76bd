import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignTabs, goString, isTemplate, parseGoTemplate } from '../../../src/cli/tools/go-template.js';

const row = (fields: Record<string, unknown>, self: unknown = fields) => ({
  field: (n: string, a: string[]) => (n === 'Label' ? (fields.Labels as Record<string, string>)[a[0]!] : fields[n]),
  self: () => self,
});

test('fields, literal text, \\t and \\n escapes, json, upper and lower, .Label "key"', () => {
  const r = row({ Name: 'p-web-1', State: 'running', Publishers: [{ URL: '127.0.0.1', TargetPort: 80 }], Labels: { 'a.b': 'v' } });
  assert.equal(parseGoTemplate('{{.Name}}\\t{{ .State }}').render(r), 'p-web-1\trunning');
  assert.equal(parseGoTemplate('name={{.Name}}\\n').render(r), 'name=p-web-1\n');
  assert.equal(parseGoTemplate('{{json .Publishers}}').render(r), '[{"URL":"127.0.0.1","TargetPort":80}]');
  assert.equal(parseGoTemplate('{{.Publishers}}').render(r), '[{127.0.0.1 80}]');
  assert.equal(parseGoTemplate('{{upper .State}} {{lower .Name}}').render(r), 'RUNNING p-web-1');
  assert.equal(parseGoTemplate('{{.Label "a.b"}}').render(r), 'v');
  assert.equal(parseGoTemplate('{{json .}}').render(row({ Name: 'x' })), '{"Name":"x"}');
});

test('table: a header row from the fields, columns aligned as docker\'s tabwriter', () => {
  const t = parseGoTemplate('table {{.Name}}\\t{{.Status}}');
  assert.equal(t.table, true);
  const headers: Record<string, string> = { Name: 'NAME', Status: 'STATUS' };
  const lines = [t.header((n) => headers[n]!), t.render(row({ Name: 'a-very-long-name-1', Status: 'Up' })), t.render(row({ Name: 'b', Status: 'Exited (0)' }))];
  assert.equal(alignTabs(lines), 'NAME                 STATUS\na-very-long-name-1   Up\nb                    Exited (0)\n');
  assert.equal(alignTabs(['A\tB', 'x\ty']), 'A         B\nx         y\n');
});

test('malformed templates are usage errors; named formats are not templates', () => {
  assert.equal(isTemplate('json'), false);
  assert.equal(isTemplate('{{.Name}}'), true);
  assert.throws(() => parseGoTemplate('{{.Name'), /unclosed "\{\{"/);
  assert.throws(() => parseGoTemplate('{{Name}}'), /use \{\{\.Field\}\}/);
  assert.throws(() => parseGoTemplate('{{}}'), /empty/);
  assert.equal(goString(undefined), '<no value>');
});
