// A generated 50-service Compose project (shared by the config benchmark and
// the unit test that checks it loads): anchors, ports, volumes, healthchecks,
// depends_on chains, env, labels, networks.
export function generateProject(n = 50) {
  const lines = [
    'x-base: &base',
    '  restart: unless-stopped',
    '  labels:',
    '    com.example.stack: bench',
    '  environment:',
    '    LOG_LEVEL: ${LOG_LEVEL:-info}',
    'services:',
  ];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  svc${i}:`,
      '    <<: *base',
      `    image: berth-examples/busybox:\${TAG:-latest}`,
      `    command: ["httpd", "-f", "-p", "${8000 + i}"]`,
      '    ports:',
      `      - "127.0.0.1:${10000 + i}:${8000 + i}"`,
      '    volumes:',
      `      - data${i % 5}:/data`,
      `      - ./conf/svc${i}:/etc/svc:ro`,
      '    networks: [front, back]',
      '    healthcheck:',
      `      test: ["CMD", "wget", "-q", "-O-", "http://localhost:${8000 + i}/"]`,
      '      interval: 10s',
      '      timeout: 2s',
      '      retries: 3',
      '    environment:',
      `      - SERVICE_INDEX=${i}`,
      '      - PEER=svc0',
    );
    if (i > 0) lines.push('    depends_on:', `      svc${i - 1}:`, '        condition: service_started');
  }
  lines.push('networks:', '  front: {}', '  back:', '    internal: true', 'volumes:');
  for (let v = 0; v < 5; v++) lines.push(`  data${v}: {}`);
  return lines.join('\n') + '\n';
}
