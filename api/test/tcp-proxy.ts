/**
 * A TCP proxy between a test's pool and PostgreSQL, so a test can make the database go away
 * (cut every connection, refuse new ones) or turn the link into a black hole (keep connections,
 * forward nothing) while the shared test cluster keeps running for every other test file.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type FaultProxy = {
  /** The database URL with its port pointed at the proxy. */
  url: string;
  /** Refuse new connections (`true`) or accept them again. */
  refuse(on: boolean): void;
  /** Drop every byte in both directions while on, as a dead route drops packets. */
  blackhole(on: boolean): void;
  /** Cut every open connection now. */
  cut(): void;
  close(): Promise<void>;
};

export async function startFaultProxy(databaseUrl: string): Promise<FaultProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let refusing = false;
  let dropping = false;
  const server = createServer((client) => {
    if (refusing) return client.destroy();
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.on('data', (d) => dropping || upstream.write(d));
    upstream.on('data', (d) => dropping || client.write(d));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(databaseUrl);
  url.port = String((server.address() as AddressInfo).port);
  const cut = () => {
    for (const s of sockets) s.destroy();
  };
  return {
    url: url.toString(),
    refuse: (on) => {
      refusing = on;
    },
    blackhole: (on) => {
      dropping = on;
    },
    cut,
    close: async () => {
      cut();
      await new Promise((r) => server.close(r));
    },
  };
}
