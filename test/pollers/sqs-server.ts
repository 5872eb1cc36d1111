import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small SQS-compatible endpoint on loopback speaking the AWS JSON 1.0 protocol the SDK's
 * SQS client uses (ReceiveMessage, DeleteMessage): the real client talks to it over HTTP.
 * A received message is invisible until deleted or until the next receive after `redeliver()`.
 */
export class SqsServer {
  readonly queue: Array<{ id: string; body: string; receipt?: string }> = [];
  readonly deleted: string[] = [];
  private server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      const action = String(req.headers['x-amz-target'] ?? '').replace('AmazonSQS.', '');
      const input = JSON.parse(body || '{}') as Record<string, unknown>;
      const reply = (status: number, doc: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(doc));
      };
      if (action === 'ReceiveMessage') {
        const max = Number(input.MaxNumberOfMessages ?? 1);
        const visible = this.queue.filter((m) => !m.receipt).slice(0, max);
        for (const m of visible) m.receipt = randomUUID();
        return reply(200, {
          Messages: visible.map((m) => ({
            MessageId: m.id,
            ReceiptHandle: m.receipt,
            Body: m.body,
            MD5OfBody: createHash('md5').update(m.body).digest('hex'),
          })),
        });
      }
      if (action === 'DeleteMessage') {
        const i = this.queue.findIndex((m) => m.receipt === input.ReceiptHandle);
        if (i < 0) return reply(400, { __type: 'com.amazonaws.sqs#ReceiptHandleIsInvalid', message: 'unknown receipt handle' });
        this.deleted.push(this.queue.splice(i, 1)[0]!.id);
        return reply(200, {});
      }
      reply(400, { __type: 'com.amazonaws.sqs#InvalidAction', message: `unsupported: ${action}` });
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  send(body: string): void {
    this.queue.push({ id: randomUUID(), body });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
