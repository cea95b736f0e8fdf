import type { CertificateReport, ScanError } from "../scan-report/types.js";
import { checkChainOrder } from "./chain-order.js";
import { CertificateError } from "./errors.js";
import { checkHostname } from "./hostname.js";
import { decodeOcspResponse } from "./ocsp.js";
import { describeCertificate, parseCertificate, type ParsedCertificate } from "./parse.js";
import { checkTrust } from "./trust.js";
import type { TrustStore } from "./trust-store.js";

export interface ChainCheckContext {
  /** The served chain, leaf first, every certificate decoded. */
  chain: readonly [ParsedCertificate, ...ParsedCertificate[]];
  /** The name (or IP literal) a client would check: the target's host. */
  host: string;
  store: TrustStore;
  now: Date;
}

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
 * unreadable OCSP response gives ocspStatus null; each with an entry in `errors`.
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
  const parsed: (ParsedCertificate | null)[] = chainDer.map((der, index) => {
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
  const context: ChainCheckContext = {
    chain: [leaf, ...rest],
    host: options.host,
    store: options.store,
    now: options.now,
  };
  const verdicts: ChainVerdicts = {
    ...CHAIN_CHECKS.trust(context),
    ...CHAIN_CHECKS.hostname(context),
    ...CHAIN_CHECKS["chain-order"](context),
  };
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
  let ocspStatus: CertificateReport["ocspStatus"] = null;
  if (options.ocspResponse === null) ocspStapled = false;
  else if (options.ocspResponse !== undefined) {
    ocspStapled = true;
    try {
      const status = decodeOcspResponse(options.ocspResponse, leaf);
      ocspStatus = status.certStatus;
      if (status.reason !== null)
        errors.push({ probe: `${probe}/ocsp`, code: "certificate", message: status.reason });
    } catch (error) {
      if (!(error instanceof CertificateError)) throw error;
      errors.push({ probe: `${probe}/ocsp`, code: "certificate", message: error.message });
    }
  }

  return {
    certificate: {
      chain: context.chain.map((certificate) => describeCertificate(certificate, options.now)),
      ...verdicts,
      ocspStapled,
      ocspStatus,
    },
    errors,
  };
}
