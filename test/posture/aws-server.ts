/**
 * A small HTTP server on loopback that answers AWS SDK requests from recorded exchanges,
 * so the collector runs with the SDK's real signing, serialisation, parsing, pagination
 * and retries. Requests are routed by the service and region in the SigV4 credential scope
 * and by the operation: `Action` (query protocol), `X-Amz-Target` (JSON protocol) or
 * `METHOD /path?subresource` (REST).
 */
import { createServer, Agent, type IncomingMessage, type Server } from 'node:http';
import type { LookupFunction } from 'node:net';
import { readFileSync } from 'node:fs';

export interface Exchange {
  service: string;
  operation: string;
  region?: string;
  params?: Record<string, string>;
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
  /** Served once, then skipped (first pages, throttling errors). */
  once?: boolean;
}

export interface SeenRequest {
  service: string;
  region: string;
  operation: string;
  params: Record<string, string>;
  host: string;
  signed: boolean;
  status: number;
}

export interface AwsServer {
  endpoint: string;
  /** Resolves every host name to loopback (S3 Control puts the account id in front of the host). */
  httpAgent: Agent;
  requests: SeenRequest[];
  /** AWS SDK client options that send every call here, signed with the recordings' credentials. */
  sdk: { endpoint: string; requestHandler: { httpAgent: Agent }; credentials: { accessKeyId: string; secretAccessKey: string } };
  close(): Promise<void>;
}

const RECORDED_CREDENTIALS = { accessKeyId: 'AKIDRECORDEDTEST0001', secretAccessKey: 'recorded-test-secret' };

export async function startAwsServer(file: string): Promise<AwsServer> {
  const exchanges = (JSON.parse(readFileSync(file, 'utf8')) as { exchanges: Exchange[] }).exchanges.map((e) => ({ ...e, used: false }));
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    void read(req).then((body) => {
      const auth = req.headers.authorization ?? '';
      const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
      const [region, service] = [scope?.[1] ?? '', scope?.[2] ?? ''];
      const { operation, params } = describe(req, body);
      const match = exchanges.find(
        (e) =>
          !(e.once && e.used) &&
          e.service === service &&
          e.operation === operation &&
          (!e.region || e.region === region) &&
          Object.entries(e.params ?? {}).every(([k, v]) => params[k] === v),
      );
      const signed = /^AWS4-HMAC-SHA256 Credential=\S+, SignedHeaders=\S+, Signature=[0-9a-f]{64}$/.test(auth);
      requests.push({ service, region, operation, params, host: req.headers.host ?? '', signed, status: match?.status ?? 404 });
      if (!match) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ __type: 'UnrecordedRequest', message: `no recorded response for ${service} ${region} ${operation} ${JSON.stringify(params)}` }));
        return;
      }
      match.used = true;
      res.writeHead(match.status, { 'content-type': match.contentType, 'x-amzn-requestid': 'recorded', ...match.headers });
      res.end(match.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const lookup = ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (options?.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
    else cb(null, '127.0.0.1', 4);
  }) as unknown as LookupFunction;
  const httpAgent = new Agent({ keepAlive: true, lookup } as ConstructorParameters<typeof Agent>[0]);
  const endpoint = `http://aws.vigil.test:${port}`;
  return {
    endpoint,
    httpAgent,
    requests,
    sdk: { endpoint, requestHandler: { httpAgent }, credentials: RECORDED_CREDENTIALS },
    close: () =>
      new Promise<void>((resolve) => {
        httpAgent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function describe(req: IncomingMessage, body: string): { operation: string; params: Record<string, string> } {
  const url = new URL(req.url ?? '/', 'http://x');
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    const json = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    const params = Object.fromEntries(Object.entries(json).filter(([, v]) => typeof v !== 'object').map(([k, v]) => [k, String(v)]));
    return { operation: target.split('.').pop()!, params };
  }
  if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    const params = Object.fromEntries(new URLSearchParams(body));
    return { operation: params.Action ?? '', params };
  }
  const keys = [...url.searchParams.keys()].filter((k) => k !== 'x-id').sort();
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
  return { operation: `${req.method} ${path}${keys.length ? '?' + keys.join('&') : ''}`, params: Object.fromEntries(url.searchParams) };
}
