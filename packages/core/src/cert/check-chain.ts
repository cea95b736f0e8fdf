import type { CertificateReport, OcspReport, ScanError } from "../scan-report/types.js";
import { checkChainOrder } from "./chain-order.js";
import { CertificateError } from "./errors.js";
import { checkHostname } from "./hostname.js";
import { decodeOcspResponse } from "./ocsp.js";
import {
  describeCertificate,
  isIssuedBy,
  parseCertificate,
  type ParsedCertificate,
} from "./parse.js";
import { checkTrust, describeTrustLimits } from "./trust.js";
import type { TrustStore } from "./trust-store.js";

export interface ChainCheckContext {
  /** The served chain, leaf first, every certificate decoded. */
  chain: readonly [ParsedCertificate, ...ParsedCertificate[]];
  /** The name (or IP literal) a client would check: the target's host. */
  host: string;
  store: TrustStore;
  now: Date;
  /** Where a check notes work it cut short (a cap on hostile input), for the report's errors. */
  notes?: string[];
}

/**
 * Served certificates judged per chain; later ones are not even decoded. Real chains have 2 to
 * 5; a server sending more than this many is broken or hostile, and the report says it was cut.
 */
export const MAX_SERVED_CERTIFICATES = 32;

type ChainVerdicts = Pick<
  CertificateReport,
  "trusted" | "trustError" | "hostnameMatch" | "chainComplete" | "chainOrder"
>;

/** The checks over a chain, by id; each yields its own fields of the report. */
export const CHAIN_CHECKS = {
  trust: (
    context: ChainCheckContext,
  ): Pick<ChainVerdicts, "trusted" | "trustError" | "chainComplete"> => {
    const verdict = checkTrust(context.chain, context.store, context.now);
    context.notes?.push(...describeTrustLimits(verdict));
    return {
      trusted: verdict.trusted,
      trustError: verdict.trustError,
      chainComplete: verdict.chainComplete,
    };
  },
  hostname: (context: ChainCheckContext): Pick<ChainVerdicts, "hostnameMatch"> => ({
    hostnameMatch: checkHostname(context.chain[0], context.host),
  }),
  "chain-order": (context: ChainCheckContext): Pick<ChainVerdicts, "chainOrder"> => ({
    chainOrder: checkChainOrder(context.chain),
  }),
} as const;
export type ChainCheckId = keyof typeof CHAIN_CHECKS;

export interface CheckChainOptions {
  host: string;
  store: TrustStore;
  now: Date;
  /**
   * The stapled OCSP response: bytes when one was stapled, null when a completed handshake had
   * none, undefined when no handshake told (ocspStapled and ocspStatus are then null).
   */
  ocspResponse?: Uint8Array | null | undefined;
  /** False when the chain's order is not the server's (Node's rebuilt chain): chainOrder is then null. */
  servedOrder?: boolean;
  /** Probe name for errors, "certificate" by default. */
  probe?: string;
}

export interface CheckChainResult {
  certificate: CertificateReport | null;
  errors: ScanError[];
}

/**
 * Decodes a served chain (DER, leaf first) and runs every check of CHAIN_CHECKS plus the OCSP
 * staple: the report's `certificate`. Never throws for the chain's content: an unreadable leaf
 * gives a null report, an unreadable other certificate is left out (chainOrder then null), an
 * unreadable OCSP response gives ocspStatus null; each with an entry in `errors`. Work on the
 * chain is bounded: only the first MAX_SERVED_CERTIFICATES are judged (chainOrder is then null
 * unless the judged part is already out of order) and path building has caps (TRUST_LIMITS);
 * each cut is an entry in `errors` too.
 */
export function checkCertificateChain(
  chainDer: readonly Uint8Array[],
  options: CheckChainOptions,
): CheckChainResult {
  const probe = options.probe ?? "certificate";
  const errors: ScanError[] = [];
  if (chainDer.length === 0) {
    errors.push({ probe, code: "certificate", message: "the server sent no certificate" });
    return { certificate: null, errors };
  }
  const cut = chainDer.length > MAX_SERVED_CERTIFICATES;
  if (cut) {
    errors.push({
      probe,
      code: "certificate",
      message: `the server sent ${chainDer.length} certificates: only the first ${MAX_SERVED_CERTIFICATES} were judged`,
    });
  }
  const judged = cut ? chainDer.slice(0, MAX_SERVED_CERTIFICATES) : chainDer;
  const parsed: (ParsedCertificate | null)[] = judged.map((der, index) => {
    try {
      return parseCertificate(der);
    } catch (error) {
      if (!(error instanceof CertificateError)) throw error;
      errors.push({
        probe,
        code: "certificate",
        message: `certificate ${index} of the chain: ${error.message}`,
      });
      return null;
    }
  });
  const [leaf, ...others] = parsed;
  if (leaf === undefined || leaf === null) return { certificate: null, errors };
  const rest = others.filter(
    (certificate): certificate is ParsedCertificate => certificate !== null,
  );
  const complete = rest.length === others.length;
  const notes: string[] = [];
  const context: ChainCheckContext = {
    chain: [leaf, ...rest],
    host: options.host,
    store: options.store,
    now: options.now,
    notes,
  };
  const verdicts: ChainVerdicts = {
    ...CHAIN_CHECKS.trust(context),
    ...CHAIN_CHECKS.hostname(context),
    ...CHAIN_CHECKS["chain-order"](context),
  };
  for (const message of notes) errors.push({ probe, code: "certificate", message });
  // In order as far as it was judged says nothing of the certificates after the cut.
  if (cut && verdicts.chainOrder === true) verdicts.chainOrder = null;
  if (!complete || options.servedOrder === false) {
    verdicts.chainOrder = null;
    errors.push({
      probe,
      code: "certificate",
      message: complete
        ? "the served order of the chain is unknown (only Node's rebuilt chain was available)"
        : "chain order unknown: a served certificate could not be decoded",
    });
  }

  let ocspStapled: boolean | null = null;
  let ocsp: OcspReport | null = null;
  if (options.ocspResponse === null) ocspStapled = false;
  else if (options.ocspResponse !== undefined) {
    ocspStapled = true;
    try {
      const { reason, ...status } = decodeOcspResponse(options.ocspResponse, leaf, {
        issuer: issuerOf(context),
        now: options.now,
      });
      ocsp = status;
      if (reason !== null)
        errors.push({ probe: `${probe}/ocsp`, code: "certificate", message: reason });
      else if (status.signatureValid === null) {
        errors.push({
          probe: `${probe}/ocsp`,
          code: "certificate",
          message:
            "the OCSP responder's signature could not be checked (issuer or algorithm unknown)",
        });
      }
    } catch (error) {
      if (!(error instanceof CertificateError)) throw error;
      errors.push({ probe: `${probe}/ocsp`, code: "certificate", message: error.message });
    }
  }

  return {
    certificate: {
      keyType: leaf.key.keyType,
      chain: context.chain.map((certificate) => describeCertificate(certificate, options.now)),
      ...verdicts,
      ocspStapled,
      ocspStatus: ocsp?.certStatus ?? null,
      ocsp,
    },
    errors,
  };
}

/** The leaf's issuer, for the OCSP responder check: served, then the store's; null unknown. */
function issuerOf(context: ChainCheckContext): ParsedCertificate | null {
  const leaf = context.chain[0];
  if (leaf.selfSigned) return leaf;
  const served = context.chain.slice(1).find((c) => isIssuedBy(leaf.x509, c.x509));
  if (served !== undefined) return served;
  for (const kind of ["anchors", "intermediates"] as const) {
    const known = context.store
      .candidates(leaf.x509, kind)
      .find((candidate) => isIssuedBy(leaf.x509, candidate));
    if (known !== undefined) return context.store.parsed(known);
  }
  return null;
}
