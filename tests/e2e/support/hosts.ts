export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);

/** An absolute URL on a demo host: `hostUrl('harbor', '/portal')`. */
export function hostUrl(host: 'sunrise' | 'harbor' | 'root' | string, path = '/'): string {
  const name = host === 'root' ? 'localhost' : host.includes('.') ? host : `${host}.localhost`;
  return `http://${name}:${E2E_PORT}${path}`;
}

/**
 * An HTTP request from Node with a given Host header: Node's resolver, unlike Chromium's,
 * does not map `*.localhost` to loopback.
 */
export async function requestOnHost(
  host: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: import('node:http').IncomingHttpHeaders; body: string }> {
  const http = await import('node:http');
  const hostname = host === 'root' ? 'localhost' : host.includes('.') ? host : `${host}.localhost`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: E2E_PORT, path, method: init.method ?? 'GET', headers: { ...init.headers, host: `${hostname}:${E2E_PORT}` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (init.body) req.write(init.body);
    req.end();
  });
}
