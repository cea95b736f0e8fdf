/**
 * The protocol versions local test servers can speak, spelled as the ScanReport and the registry
 * spell them. No SSLv2/SSLv3: neither openssl 3 nor GnuTLS 3.7+ in the distributions serve them
 * (the scripted raw server covers those).
 */
export const TLS_VERSIONS = ["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

/** Test servers listen on loopback only. */
export const LOOPBACK_HOSTS = ["127.0.0.1", "::1"] as const;
export type LoopbackHost = (typeof LOOPBACK_HOSTS)[number];

/** `openssl s_server`/`s_client`/`ciphers` flag selecting exactly one version. */
export const OPENSSL_VERSION_FLAGS: Readonly<Record<TlsVersion, string>> = {
  "TLSv1.0": "-tls1",
  "TLSv1.1": "-tls1_1",
  "TLSv1.2": "-tls1_2",
  "TLSv1.3": "-tls1_3",
};

/** `openssl s_server` flag disabling one version. */
export const OPENSSL_NO_VERSION_FLAGS: Readonly<Record<TlsVersion, string>> = {
  "TLSv1.0": "-no_tls1",
  "TLSv1.1": "-no_tls1_1",
  "TLSv1.2": "-no_tls1_2",
  "TLSv1.3": "-no_tls1_3",
};

/** The value `-min_protocol`/`-max_protocol` take (SSL_CONF spelling: TLS 1.0 is "TLSv1"). */
export const OPENSSL_PROTOCOL_NAMES: Readonly<Record<TlsVersion, string>> = {
  "TLSv1.0": "TLSv1",
  "TLSv1.1": "TLSv1.1",
  "TLSv1.2": "TLSv1.2",
  "TLSv1.3": "TLSv1.3",
};

/** GnuTLS priority keyword for one version. */
export const GNUTLS_VERSION_NAMES: Readonly<Record<TlsVersion, string>> = {
  "TLSv1.0": "VERS-TLS1.0",
  "TLSv1.1": "VERS-TLS1.1",
  "TLSv1.2": "VERS-TLS1.2",
  "TLSv1.3": "VERS-TLS1.3",
};

/** "TLSv1" / "TLSv1.2" (openssl) or "TLS1.2" / "VERS-TLS1.2" (GnuTLS) to a TlsVersion, else null. */
export function parseTlsVersion(text: string): TlsVersion | null {
  const match = /^(?:VERS-)?TLSv?1(?:\.([0-3]))?$/.exec(text.trim());
  if (match === null) return null;
  const minor = match[1] ?? "0";
  return `TLSv1.${minor}` as TlsVersion;
}

/** `host:port` as openssl's `-connect` wants it (IPv6 in brackets). */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

export function versionIndex(version: TlsVersion): number {
  return TLS_VERSIONS.indexOf(version);
}
