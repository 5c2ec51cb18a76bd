import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignTabs, goMap, goString, isTemplate, parseGoTemplate } from '../../../src/cli/tools/go-template.js';

const render = (format: string, data: unknown) => parseGoTemplate(format).render(data);

test('fields, literal text, \\t and \\n escapes, json, upper and lower, .Label "key"', () => {
  const r = { Name: 'p-web-1', State: 'running', Publishers: [{ URL: '127.0.0.1', TargetPort: 80 }], Label: (k: string) => ({ 'a.b': 'v' } as Record<string, string>)[k] ?? '' };
  assert.equal(render('{{.Name}}\\t{{ .State }}', r), 'p-web-1\trunning');
  assert.equal(render('name={{.Name}}\\n', r), 'name=p-web-1\n');
  assert.equal(render('{{json .Publishers}}', r), '[{"URL":"127.0.0.1","TargetPort":80}]');
  assert.equal(render('{{.Publishers}}', r), '[{127.0.0.1 80}]');
  assert.equal(render('{{upper .State}} {{lower .Name}}', r), 'RUNNING p-web-1');
  assert.equal(render('{{.Label "a.b"}}', r), 'v');
  assert.equal(render('{{json .}}', { Name: 'x', toJSON: () => ({ Name: 'x', Extra: 1 }) }), '{"Name":"x","Extra":1}');
});

// The container below is the shape `docker inspect` prints; the expected strings are what docker prints for these templates.
const container = {
  Id: 'c0ffee', Name: '/web', LogPath: '/var/log/web.log',
  State: { Status: 'running', Running: true, Pid: 42, ExitCode: 0 },
  Config: { Image: 'nginx:1', Env: ['A=1', 'B=2'], Labels: goMap({ 'com.example.b': 'two', 'com.example.a': 'one' }) },
  Args: ['-g', 'daemon off;'],
  NetworkSettings: {
    Networks: goMap({ front: { IPAddress: '10.1.0.2', Aliases: ['web'] }, back: { IPAddress: '10.2.0.2', Aliases: null } }),
    Ports: goMap({ '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }], '443/tcp': null }),
  },
};

test('docker inspect -f examples: nested fields, range over networks, json of a label map, index', () => {
  assert.equal(render('{{.State.Status}}', container), 'running');
  assert.equal(render('{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', container), '10.2.0.210.1.0.2');
  assert.equal(render('{{json .Config.Labels}}', container), '{"com.example.a":"one","com.example.b":"two"}');
  assert.equal(render('{{.Config.Labels}}', container), 'map[com.example.a:one com.example.b:two]');
  assert.equal(render('{{index .Config.Labels "com.example.b"}}', container), 'two');
  assert.equal(render('{{index .Config.Labels "nope"}}', container), '<no value>');
  assert.equal(render('{{(index (index .NetworkSettings.Ports "80/tcp") 0).HostPort}}', container), '8080');
  assert.equal(render('{{range $p, $conf := .NetworkSettings.Ports}} {{$p}} -> {{if $conf}}{{(index $conf 0).HostPort}}{{else}}none{{end}} {{end}}', container),
    ' 443/tcp -> none  80/tcp -> 8080 ');
  assert.equal(render('{{range $name, $n := .NetworkSettings.Networks}}{{$name}}={{$n.IPAddress}};{{end}}', container), 'back=10.2.0.2;front=10.1.0.2;');
  assert.equal(render('{{.State.Running}} {{.State.Pid}} {{.Missing}}', container), 'true 42 <no value>');
  assert.equal(render('{{with .State}}{{.Status}}{{end}}', container), 'running');
  assert.equal(render('{{$.Name}}{{range .Config.Env}} {{$.Name}}:{{.}}{{end}}', container), '/web /web:A=1 /web:B=2');
});

test('docker\'s template functions: join, split, title, pad, truncate, println, len, printf, eq, if/else if', () => {
  assert.equal(render('{{join .Args " , "}}', container), '-g , daemon off;');
  assert.equal(render('{{split .Config.Image ":"}}', container), '[nginx 1]');
  assert.equal(render('{{title "hello world"}}', {}), 'Hello World');
  assert.equal(render('{{pad .Name 2 1}}|', container), '  /web |');
  assert.equal(render('{{truncate .Id 3}}', container), 'c0f');
  assert.equal(render('{{println .Name}}{{println "a" 1}}', container), '/web\na 1\n');
  assert.equal(render('{{len .Config.Env}} {{len .NetworkSettings.Networks}}', container), '2 2');
  assert.equal(render('{{printf "%-6s|%3d|%q" .Name .State.Pid "x"}}', container), '/web  | 42|"x"');
  assert.equal(render('{{.Name | printf "%s!"}}', container), '/web!');
  const st = (s: string) => render('{{if eq .S "running"}}up{{else if eq .S "exited" "dead"}}down{{else}}?{{end}}', { S: s });
  assert.deepEqual(['running', 'dead', 'created'].map(st), ['up', 'down', '?']);
  assert.equal(render('{{if and .A (not .B)}}yes{{end}}{{if or .B .C}}no{{end}}', { A: 1, B: '', C: [] }), 'yes');
  assert.equal(render('{{range .L}}x{{else}}empty{{end}}', { L: [] }), 'empty');
  assert.equal(render('a {{- " b " -}} c {{/* a comment */}}', {}), 'a b c ');
  assert.equal(render('{{$x := .Name}}{{$x}}{{`raw`}}', container), '/webraw');
});

test('table: a header row from the fields, columns aligned as docker\'s tabwriter', () => {
  const t = parseGoTemplate('table {{.Name}}\\t{{.Status}}');
  assert.equal(t.table, true);
  const headers: Record<string, string> = { Name: 'NAME', Status: 'STATUS' };
  const lines = [t.header((n) => headers[n]!), t.render({ Name: 'a-very-long-name-1', Status: 'Up' }), t.render({ Name: 'b', Status: 'Exited (0)' })];
  assert.equal(alignTabs(lines), 'NAME                 STATUS\na-very-long-name-1   Up\nb                    Exited (0)\n');
  assert.equal(parseGoTemplate('table {{.Label "x"}}').header((n) => n.toUpperCase()), 'LABEL');
  assert.equal(alignTabs(['A\tB', 'x\ty']), 'A         B\nx         y\n');
});

test('malformed templates are usage errors naming the problem; run-time errors are one line', () => {
  assert.equal(isTemplate('json'), false);
  assert.equal(isTemplate('{{.Name}}'), true);
  assert.throws(() => parseGoTemplate('{{.Name'), /unclosed "\{\{"/);
  assert.throws(() => parseGoTemplate('{{Name}}'), /function "Name" not defined/);
  assert.throws(() => parseGoTemplate('{{}}'), /empty/);
  assert.throws(() => parseGoTemplate('{{if .A}}x'), /missing \{\{end\}\}/);
  assert.throws(() => parseGoTemplate('{{end}}'), /unexpected \{\{end\}\}/);
  assert.throws(() => parseGoTemplate('{{"abc}}'), /unterminated string/);
  assert.throws(() => render('{{index .L 5}}', { L: [1] }), /template: executing .*index out of range: 5/);
  assert.throws(() => render('{{$nope}}', {}), /undefined variable: \$nope/);
  assert.equal(goString(undefined), '<no value>');
  assert.equal(goString(null), '<nil>');
});
