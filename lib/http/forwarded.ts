// Which address a request came from, given how many reverse proxies stand in front of the app.
// Pure, so that scripts/serve.mjs (which sees the socket) and the tests share one definition.

/** The client header the app's own server sets from the socket; any value a client sends is replaced. */
export const CLIENT_IP_HEADER = "x-bangfu-client-ip";

/**
 * With `trustedProxies` = 0 the socket's peer is the client and X-Forwarded-For is ignored (anyone
 * can send it). With n proxies, each appends the address it received the request from, so the
 * client is the n-th address from the right of [...X-Forwarded-For, peer]; when the list is
 * shorter than that, the leftmost address is the best available.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | undefined, trustedProxies: number): string {
  const socket = (peer ?? "").replace(/^::ffff:/, "") || "unknown";
  if (!Number.isInteger(trustedProxies) || trustedProxies <= 0) return socket.slice(0, 64);
  const chain = [
    ...(forwardedFor ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    socket,
  ];
  const index = Math.max(0, chain.length - 1 - trustedProxies);
  return chain[index]!.replace(/^::ffff:/, "").slice(0, 64);
}

export function trustedProxyCount(value: string | undefined): number {
  const n = Number(value ?? "0");
  return Number.isInteger(n) && n >= 0 && n <= 10 ? n : 0;
}
