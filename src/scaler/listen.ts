/** Splits "host:port" (host may be empty or [v6]) for servers; ":0" picks a free port. */
export function parseListen(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  let host = addr.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host: host === '' ? '0.0.0.0' : host, port: Number(addr.slice(i + 1)) };
}
