import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { PRIORITIES, parsePriority, type Alert } from '../records/index.js';
import type { Output } from './output.js';

export interface SyslogOptions {
  host: string;
  port: number;
  protocol: 'udp' | 'tcp';
  /** Syslog facility number (16 = local0). */
  facility: number;
  appName: string;
  timeoutMs: number;
}

/** RFC 5424 header fields are printable ASCII without spaces; `-` is the nil value. */
function headerField(text: string, max: number): string {
  const clean = text.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean || '-';
}

/** An SD-PARAM value escapes `"`, `\` and `]`. */
function sdValue(text: string): string {
  return text.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/**
 * One alert as an RFC 5424 message. Falco's priorities are syslog's severities, in the same
 * order; the time keeps microseconds (the most RFC 5424 allows).
 */
export function formatSyslog(alert: Alert, options: Pick<SyslogOptions, 'facility' | 'appName'>, hostname = alert.hostname): string {
  const priority = alert.vigil?.priority ?? parsePriority(alert.priority) ?? 'debug';
  const pri = options.facility * 8 + PRIORITIES.indexOf(priority);
  const time = alert.time.replace(/(\.\d{6})\d*Z$/, '$1Z');
  const sd = `[vigil@32473 rule="${sdValue(alert.rule)}" priority="${sdValue(alert.priority)}" source="${sdValue(alert.source)}"]`;
  return `<${pri}>1 ${time} ${headerField(hostname, 255)} ${headerField(options.appName, 48)} ${process.pid} alert ${sd} ${alert.output}`;
}

export function syslogOutput(name: string, options: SyslogOptions): Output {
  let udp: UdpSocket | undefined;
  let tcp: Socket | undefined;

  async function tcpSocket(): Promise<Socket> {
    if (tcp && !tcp.destroyed) return tcp;
    const socket = connect({ host: options.host, port: options.port });
    socket.setTimeout(options.timeoutMs, () => socket.destroy(new Error('syslog: TCP timeout')));
    socket.on('error', () => socket.destroy());
    // The receiver hung up: the next send reconnects instead of writing into a dead socket.
    socket.on('end', () => socket.destroy());
    await once(socket, 'connect');
    socket.setTimeout(0);
    return (tcp = socket);
  }

  async function sendTcp(messages: string[]) {
    const socket = await tcpSocket();
    // RFC 6587 octet counting: "LEN SP MSG", so messages may contain newlines.
    const frame = messages.map((m) => `${Buffer.byteLength(m)} ${m}`).join('');
    await new Promise<void>((resolve, reject) => socket.write(frame, (err) => (err ? reject(err) : resolve())));
  }

  async function sendUdp(messages: string[]) {
    if (!udp) {
      udp = createSocket(options.host.includes(':') ? 'udp6' : 'udp4');
      udp.on('error', () => {});
      udp.unref();
    }
    for (const message of messages) {
      await new Promise<void>((resolve, reject) =>
        udp!.send(message, options.port, options.host, (err) => (err ? reject(err) : resolve())),
      );
    }
  }

  return {
    name,
    batchSize: options.protocol === 'tcp' ? 100 : 1,
    async send(alerts) {
      const messages = alerts.map((a) => formatSyslog(a, options));
      await (options.protocol === 'tcp' ? sendTcp(messages) : sendUdp(messages));
    },
    async close() {
      udp?.close();
      tcp?.end();
    },
  };
}
