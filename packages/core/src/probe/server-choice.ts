/**
 * What a server chose in answer to one hello, as the scanner reads it: a small typed summary of
 * its first flight, so that nothing above probe/ deals in wire/ types or bytes.
 */
import { cipherSuiteByCode } from "../registry/index.js";
import type { Alert, FlightState, KeyExchangeKind } from "../wire/index.js";

/** A TLS ServerHello or HelloRetryRequest, with what the rest of the flight said. */
export interface TlsChoice {
  readonly kind: "tls";
  /** The version selected: supported_versions in TLS 1.3, else the legacy version field. */
  readonly version: number;
  readonly cipherSuite: number;
  /** A HelloRetryRequest (TLS 1.3): the server asks for a key share of `keyShareGroup`. */
  readonly helloRetry: boolean;
  /** TLS 1.3: the ServerHello's key_share group, or the HelloRetryRequest's selected_group. */
  readonly keyShareGroup: number | null;
  readonly compressionMethod: number;
  /** The heartbeat extension was echoed. */
  readonly heartbeat: boolean;
  readonly secureRenegotiation: boolean;
  readonly extendedMasterSecret: boolean;
  /** TLS ≤ 1.2: the ServerKeyExchange of an ephemeral (EC)DH suite; null without one. */
  readonly keyExchange: KeyExchangeChoice | null;
  /** TLS ≤ 1.2: the DER chain of the Certificate message, leaf first; null without one. */
  readonly certificates: Uint8Array[] | null;
  /** TLS ≤ 1.2: the OCSP response of a CertificateStatus message; null without one. */
  readonly ocspResponse: Uint8Array | null;
}

export type KeyExchangeChoice =
  | { readonly kind: "ecdhe"; readonly namedCurve: number | null }
  | { readonly kind: "dhe"; readonly prime: Uint8Array; readonly primeBits: number };

/** An SSLv2 SERVER-HELLO: the cipher specs the server supports among those offered. */
export interface Sslv2Choice {
  readonly kind: "sslv2";
  readonly cipherSpecs: number[];
}

export type ServerChoice = TlsChoice | Sslv2Choice;

/** The alert a server refused with. */
export type ServerAlert = Pick<Alert, "level" | "description" | "name">;

/** The ServerKeyExchange a suite's key exchange sends, so the flight decoder can decode it. */
export function keyExchangeOf(cipherSuite: number): KeyExchangeKind | null {
  // Anonymous DH and ECDH are ephemeral too (the registry files them under DHE/ECDHE with auth
  // anon). The PSK variants prefix an identity hint, which the probe does not need to read.
  switch (cipherSuiteByCode(cipherSuite)?.kex) {
    case "ECDHE":
      return "ecdhe";
    case "DHE":
      return "dhe";
    default:
      return null;
  }
}

/** The server's choice in a flight, or null when the flight holds none. */
export function serverChoiceOf(flight: FlightState): ServerChoice | null {
  if (flight.sslv2ServerHello !== null) {
    return { kind: "sslv2", cipherSpecs: [...flight.sslv2ServerHello.cipherSpecs] };
  }
  const hello = flight.serverHello ?? flight.helloRetryRequest;
  if (hello === null) return null;
  const ske = flight.serverKeyExchangeParams;
  return {
    kind: "tls",
    version: hello.selectedVersion,
    cipherSuite: hello.cipherSuite,
    helloRetry: hello.isHelloRetryRequest,
    keyShareGroup: hello.keyShareGroup,
    compressionMethod: hello.compressionMethod,
    heartbeat: hello.heartbeat !== null,
    secureRenegotiation: hello.secureRenegotiation,
    extendedMasterSecret: hello.extendedMasterSecret,
    keyExchange:
      ske === null
        ? null
        : ske.kind === "ecdhe"
          ? { kind: "ecdhe", namedCurve: ske.namedCurve }
          : { kind: "dhe", prime: ske.prime, primeBits: ske.primeBits },
    certificates: flight.certificates,
    ocspResponse: flight.certificateStatus?.ocspResponse ?? null,
  };
}

/** The alert without what the scanner does not read. */
export function serverAlertOf(alert: Alert): ServerAlert {
  return { level: alert.level, description: alert.description, name: alert.name };
}
