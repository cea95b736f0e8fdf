/**
 * The JSON Schema (2020-12) of the ScanReport, field for field the same as `types.ts`: every
 * property required, no additional properties, unknown facts as `null`. The policy linter walks
 * it to refuse rules about fields that do not exist, so keep it exact. `schema.test.ts` holds a
 * complete report typed as `ScanReport` against it, so the two cannot drift apart silently.
 */

/** The stable `$id` of the ScanReport schema, version 2. */
export const SCAN_REPORT_SCHEMA_ID = "https://tlsgate.dev/schemas/scan-report/v2.json";

const nullableBoolean = { type: ["boolean", "null"] } as const;
const nullableString = { type: ["string", "null"] } as const;
const nullableInteger = { type: ["integer", "null"] } as const;
const protocolSupport = {
  ...nullableBoolean,
  description: "true: the server accepts this version; false: it refuses it; null: unknown.",
} as const;

export const scanReportSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: SCAN_REPORT_SCHEMA_ID,
  title: "tlsgate ScanReport",
  description:
    "What a tlsgate scan established about one TLS endpoint. Every field is always present; a fact the scan could not establish is null, and errors[] says why.",
  type: "object",
  additionalProperties: false,
  required: [
    "schemaVersion",
    "scanner",
    "startedAt",
    "durationMs",
    "target",
    "reachable",
    "errors",
    "protocols",
    "cipherSuites",
    "serverPreference",
    "groups",
    "dh",
    "certificate",
    "certificates",
    "features",
    "clients",
  ],
  properties: {
    schemaVersion: { const: 2, description: "Version of the ScanReport format." },
    scanner: {
      description: "The program that made the report.",
      type: "object",
      additionalProperties: false,
      required: ["name", "version"],
      properties: {
        name: { const: "tlsgate", description: "The scanner that wrote the report." },
        version: { type: "string", description: "The scanner's version." },
      },
    },
    startedAt: {
      type: "string",
      format: "date-time",
      description: "When the scan started (ISO 8601, UTC).",
    },
    durationMs: {
      type: "number",
      minimum: 0,
      description: "How long the scan took, in milliseconds.",
    },
    target: { $ref: "#/$defs/target", description: "What was scanned: as typed, and as resolved." },
    reachable: {
      ...nullableBoolean,
      description:
        "Whether any TCP connection to the target succeeded; null when none was attempted.",
    },
    errors: {
      type: "array",
      items: { $ref: "#/$defs/scanError" },
      description: "Why facts are unknown: one entry per probe or step that failed.",
    },
    protocols: {
      description: "Per protocol: true accepted, false refused by the server, null unknown.",
      type: "object",
      additionalProperties: false,
      required: ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"],
      properties: {
        SSLv2: protocolSupport,
        SSLv3: protocolSupport,
        "TLSv1.0": protocolSupport,
        "TLSv1.1": protocolSupport,
        "TLSv1.2": protocolSupport,
        "TLSv1.3": protocolSupport,
      },
    },
    cipherSuites: {
      description: "Every suite accepted, per protocol; null when the enumeration did not finish.",
      type: ["array", "null"],
      items: { $ref: "#/$defs/cipherSuite" },
    },
    serverPreference: {
      description:
        "Whether the server imposes its own cipher suite order, per protocol it speaks (SSLv2 excluded: the client chooses there); null when unknown.",
      type: ["array", "null"],
      items: { $ref: "#/$defs/serverPreference" },
    },
    groups: {
      type: ["array", "null"],
      items: { $ref: "#/$defs/group" },
      description:
        "Key-exchange groups the server accepts, per protocol (TLS 1.3 by HelloRetryRequest, TLS 1.2 by ServerKeyExchange); null when the enumeration did not finish.",
    },
    dh: {
      description: "Finite-field Diffie-Hellman (DHE suites).",
      type: "object",
      additionalProperties: false,
      required: ["supported", "bits", "primes"],
      properties: {
        supported: {
          ...nullableBoolean,
          description:
            "Whether the server negotiates any finite-field DHE suite; null when unknown.",
        },
        bits: {
          ...nullableInteger,
          description:
            "Smallest DH prime size seen, in bits; null when DHE is not supported or the size is unknown.",
        },
        primes: {
          type: ["array", "null"],
          items: { $ref: "#/$defs/dhPrime" },
          description:
            "The DH primes the server uses in TLS 1.2 and earlier, named when well known; empty when DHE is not supported, null when unknown.",
        },
      },
    },
    certificate: {
      anyOf: [{ $ref: "#/$defs/certificateReport" }, { type: "null" }],
      description:
        "The default certificate chain (the one a client offering every signature algorithm gets); null when none was received.",
    },
    certificates: {
      type: ["array", "null"],
      items: { $ref: "#/$defs/certificateReport" },
      description:
        "One entry per distinct chain the server serves (an RSA and an ECDSA chain, for example); null when unknown.",
    },
    features: {
      $ref: "#/$defs/features",
      description: "Protocol features and HTTP security headers.",
    },
    clients: {
      type: ["array", "null"],
      items: { $ref: "#/$defs/client" },
      description: "Handshake simulations of real client profiles; null when not run.",
    },
  },
  $defs: {
    protocol: { enum: ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"] },
    target: {
      type: "object",
      additionalProperties: false,
      required: ["input", "host", "port", "sni", "address", "starttls", "web"],
      properties: {
        input: {
          type: "string",
          description: 'The target as the user wrote it, e.g. "example.com@192.0.2.1:8443".',
        },
        host: { type: "string", description: "Host name or address part of the target." },
        port: { type: "integer", minimum: 0, maximum: 65535, description: "TCP port scanned." },
        sni: {
          ...nullableString,
          description: "Server name sent in SNI; null when none was sent (IP targets).",
        },
        address: {
          ...nullableString,
          description: "The address actually connected to; null when it could not be resolved.",
        },
        starttls: {
          description:
            "The STARTTLS protocol spoken before TLS and the service's banner; null for direct TLS.",
          oneOf: [
            { type: "null" },
            {
              type: "object",
              additionalProperties: false,
              required: ["protocol", "banner"],
              properties: {
                protocol: {
                  type: "string",
                  description: 'The STARTTLS protocol: "smtp", "imap", "postgres", …',
                },
                banner: {
                  ...nullableString,
                  description:
                    "The service's greeting or version, printable ASCII; null when it has none.",
                },
              },
            },
          ],
        },
        web: {
          type: "boolean",
          description:
            "A web endpoint (port 443 or an https:// target): only there is HSTS looked for.",
        },
      },
    },
    scanError: {
      type: "object",
      additionalProperties: false,
      required: ["probe", "code", "message"],
      properties: {
        probe: {
          type: "string",
          description:
            'Which probe or step failed, e.g. "cipherSuites/TLSv1.2", "protocols/SSLv3", "hsts".',
        },
        code: {
          description: "The class of failure.",
          enum: [
            "dns",
            "refused",
            "timeout",
            "reset",
            "closed",
            "unparseable",
            "protocol",
            "tls",
            "http",
            "certificate",
            "internal",
            "deadline",
            "plain-http",
            "ssh-banner",
          ],
        },
        message: { type: "string", description: "What happened, for a person." },
      },
    },
    cipherSuite: {
      type: "object",
      additionalProperties: false,
      required: [
        "protocol",
        "code",
        "iana",
        "openssl",
        "kex",
        "auth",
        "encryption",
        "bits",
        "mac",
        "aead",
        "forwardSecrecy",
        "export",
        "strength",
      ],
      properties: {
        protocol: {
          $ref: "#/$defs/protocol",
          description: "Protocol version the suite was accepted in.",
        },
        code: {
          type: "string",
          pattern: "^0x[0-9A-F]{4}([0-9A-F]{2})?$",
          description: 'Suite code: four hex digits ("0xC02F"), six for SSLv2 ("0x0700C0").',
        },
        iana: { type: "string", description: "IANA name (SSLv2: the conventional name)." },
        openssl: { ...nullableString, description: "OpenSSL's name; null when OpenSSL has none." },
        kex: {
          type: "string",
          description: 'Key exchange, e.g. "ECDHE", "RSA", "DHE"; "any" in TLS 1.3.',
        },
        auth: {
          type: "string",
          description:
            'Server authentication, e.g. "RSA", "ECDSA", "NULL" (anonymous); "any" in TLS 1.3.',
        },
        encryption: {
          type: "string",
          description: 'Bulk cipher and mode, e.g. "AES_128_GCM", "NULL" (no encryption).',
        },
        bits: {
          type: "integer",
          minimum: 0,
          description: "Effective key size of the bulk cipher, in bits.",
        },
        mac: { type: "string", description: 'Message authentication, e.g. "SHA256", or "AEAD".' },
        aead: { type: "boolean", description: "An AEAD cipher (GCM, CCM, ChaCha20-Poly1305)." },
        forwardSecrecy: {
          type: "boolean",
          description: "The key exchange gives forward secrecy (ephemeral DH or ECDH).",
        },
        export: { type: "boolean", description: "An export-grade suite (deliberately weakened)." },
        strength: {
          enum: ["recommended", "secure", "weak", "insecure", null],
          description: "tlsgate's class for the suite; null when the registry has none.",
        },
      },
    },
    serverPreference: {
      type: "object",
      additionalProperties: false,
      required: ["protocol", "enforced", "order"],
      properties: {
        protocol: { $ref: "#/$defs/protocol", description: "Protocol version." },
        enforced: {
          ...nullableBoolean,
          description:
            "True when the server picks by its own order, false when it follows the client's; null when unknown.",
        },
        order: {
          type: ["array", "null"],
          items: { type: "string" },
          description:
            "IANA names in the server's order, when it enforces one and the order could be established.",
        },
      },
    },
    dhPrime: {
      type: "object",
      additionalProperties: false,
      required: ["name", "bits", "wellKnown", "short", "reference"],
      properties: {
        name: {
          ...nullableString,
          description:
            "Name of a well-known prime (e.g. ffdhe2048, rfc3526-2048); null for a custom one.",
        },
        bits: { type: "integer", minimum: 1, description: "Size of the prime in bits." },
        wellKnown: {
          type: "boolean",
          description: "The prime is one of the published well-known primes.",
        },
        short: { type: "boolean", description: "The prime is shorter than 2048 bits." },
        reference: {
          ...nullableString,
          description: "Where the prime is published (RFC or software); null for a custom prime.",
        },
      },
    },
    group: {
      type: "object",
      additionalProperties: false,
      required: ["protocol", "name", "code", "bits", "postQuantum"],
      properties: {
        protocol: {
          $ref: "#/$defs/protocol",
          description: "Protocol version the group was accepted in.",
        },
        name: {
          type: "string",
          description: 'Registry name, e.g. "x25519", "secp256r1", "X25519MLKEM768".',
        },
        code: {
          type: "string",
          pattern: "^0x[0-9A-F]{4}$",
          description: 'Group code, e.g. "0x001D".',
        },
        bits: {
          ...nullableInteger,
          description:
            "Security size in bits where meaningful (curve order size, ffdhe modulus size).",
        },
        postQuantum: {
          type: "boolean",
          description: "A post-quantum or hybrid post-quantum group.",
        },
      },
    },
    certificateReport: {
      type: "object",
      additionalProperties: false,
      required: [
        "keyType",
        "chain",
        "trusted",
        "trustError",
        "hostnameMatch",
        "chainComplete",
        "chainOrder",
        "ocspStapled",
        "ocspStatus",
        "ocsp",
      ],
      properties: {
        keyType: {
          enum: ["rsa", "ecdsa", "ed25519", "ed448", "dsa", "unknown", null],
          description: "The leaf's key type: what tells one served chain from another.",
        },
        chain: {
          type: "array",
          items: { $ref: "#/$defs/certificateInfo" },
          description: "The certificates as served, the leaf first.",
        },
        trusted: {
          ...nullableBoolean,
          description:
            "Complete to an anchor of the trust store, valid now, no weak signature or key; null when unknown.",
        },
        trustError: {
          ...nullableString,
          description:
            'Why the chain is not trusted, e.g. "unknown-issuer"; "expired-anchor" when the trust-store or --ca root, which the server did not send, has expired, "expired" when another certificate of the path has. Null when trusted or unknown.',
        },
        hostnameMatch: {
          ...nullableBoolean,
          description:
            "The leaf certificate is valid for the target's host name; null when unknown.",
        },
        chainComplete: {
          ...nullableBoolean,
          description:
            "The served certificates link up to a self-signed certificate or a trust anchor with no missing issuer.",
        },
        chainOrder: {
          ...nullableBoolean,
          description: "Each served certificate is followed by its issuer.",
        },
        ocspStapled: {
          ...nullableBoolean,
          description: "The server staples an OCSP response (status_request).",
        },
        ocspStatus: {
          enum: ["good", "revoked", "unknown", null],
          description:
            "The stapled OCSP response's verdict; null when none was stapled or it could not be read.",
        },
        ocsp: {
          anyOf: [{ $ref: "#/$defs/ocsp" }, { type: "null" }],
          description:
            "The stapled OCSP response as parsed and checked; null when none was stapled or it could not be read.",
        },
      },
    },
    ocsp: {
      type: "object",
      additionalProperties: false,
      required: [
        "responseStatus",
        "certStatus",
        "producedAt",
        "thisUpdate",
        "nextUpdate",
        "revocationTime",
        "signatureValid",
        "expired",
      ],
      properties: {
        responseStatus: {
          type: "string",
          description: "OCSPResponseStatus (RFC 6960): successful, malformedRequest, tryLater…",
        },
        certStatus: {
          enum: ["good", "revoked", "unknown", null],
          description: "The responder's verdict on the leaf; null when the response holds none.",
        },
        producedAt: { ...nullableString, description: "When the responder signed (ISO 8601)." },
        thisUpdate: { ...nullableString, description: "Start of the response's validity." },
        nextUpdate: {
          ...nullableString,
          description: "End of the response's validity; null when the responder gave none.",
        },
        revocationTime: {
          ...nullableString,
          description: "When the certificate was revoked; null unless revoked.",
        },
        signatureValid: {
          ...nullableBoolean,
          description:
            "The response is signed by the issuer or by a responder the issuer certified for OCSP signing.",
        },
        expired: {
          ...nullableBoolean,
          description: "nextUpdate is past; null when the response has no nextUpdate.",
        },
      },
    },
    certificateInfo: {
      type: "object",
      additionalProperties: false,
      required: [
        "subject",
        "issuer",
        "serial",
        "notBefore",
        "notAfter",
        "daysRemaining",
        "lifespanDays",
        "keyType",
        "keyBits",
        "curve",
        "signatureAlgorithm",
        "sha256",
        "san",
        "selfSigned",
        "isCA",
        "mustStaple",
        "sctCount",
      ],
      properties: {
        subject: { type: "string", description: "Subject distinguished name." },
        issuer: { type: "string", description: "Issuer distinguished name." },
        serial: { type: "string", description: "Serial number (hex)." },
        notBefore: { type: "string", format: "date-time", description: "Start of validity." },
        notAfter: { type: "string", format: "date-time", description: "End of validity." },
        daysRemaining: {
          type: "number",
          description: "Days from the scan until notAfter (negative once expired).",
        },
        lifespanDays: { type: "number", description: "Days from notBefore to notAfter." },
        keyType: {
          enum: ["rsa", "ecdsa", "ed25519", "ed448", "dsa", "unknown"],
          description: "Public key algorithm.",
        },
        keyBits: { ...nullableInteger, description: "Public key size in bits; null when unknown." },
        curve: { ...nullableString, description: "Named curve of an EC key; null for other keys." },
        signatureAlgorithm: {
          type: "string",
          description: 'Signature algorithm the issuer used, e.g. "sha256WithRSAEncryption".',
        },
        sha256: { type: "string", description: "SHA-256 fingerprint of the certificate (hex)." },
        san: {
          type: "array",
          items: { type: "string" },
          description: "Subject alternative names (DNS names and addresses).",
        },
        selfSigned: { type: "boolean", description: "Issued by its own key." },
        isCA: { type: "boolean", description: "A CA certificate (basicConstraints CA:TRUE)." },
        mustStaple: {
          type: "boolean",
          description: "Carries the OCSP Must-Staple extension (TLS feature status_request).",
        },
        sctCount: {
          type: "integer",
          minimum: 0,
          description: "Signed certificate timestamps embedded in the certificate.",
        },
      },
    },
    features: {
      type: "object",
      additionalProperties: false,
      required: [
        "secureRenegotiation",
        "extendedMasterSecret",
        "fallbackScsv",
        "compression",
        "heartbeat",
        "sessionResumption",
        "alpn",
        "earlyData",
        "hsts",
      ],
      properties: {
        secureRenegotiation: {
          ...nullableBoolean,
          description: "The server echoes renegotiation_info (RFC 5746).",
        },
        extendedMasterSecret: {
          ...nullableBoolean,
          description: "The server negotiates extended_master_secret (RFC 7627).",
        },
        fallbackScsv: {
          ...nullableBoolean,
          description:
            "The server answers a downgraded hello carrying TLS_FALLBACK_SCSV with inappropriate_fallback (RFC 7507).",
        },
        compression: {
          ...nullableBoolean,
          description: "The server accepted a compression method other than null (CRIME).",
        },
        heartbeat: {
          ...nullableBoolean,
          description: "The server accepts the heartbeat extension.",
        },
        sessionResumption: {
          description: "Session resumption by session id and by ticket.",
          type: "object",
          additionalProperties: false,
          required: ["sessionId", "ticket"],
          properties: {
            sessionId: {
              ...nullableBoolean,
              description: "The server resumes a session by its session id.",
            },
            ticket: {
              ...nullableBoolean,
              description: "The server resumes a session by a session ticket.",
            },
          },
        },
        alpn: {
          description:
            "Application protocols offered and the one the server selected; null when unknown.",
          anyOf: [
            {
              type: "object",
              additionalProperties: false,
              required: ["offered", "selected"],
              properties: {
                offered: {
                  type: "array",
                  items: { type: "string" },
                  description: "Protocols tlsgate offered in the ALPN extension.",
                },
                selected: {
                  ...nullableString,
                  description: "The protocol the server selected; null when it selected none.",
                },
              },
            },
            { type: "null" },
          ],
        },
        earlyData: {
          ...nullableBoolean,
          description: "The server accepts TLS 1.3 early data (0-RTT).",
        },
        hsts: {
          anyOf: [{ $ref: "#/$defs/hsts" }, { type: "null" }],
          description:
            "The Strict-Transport-Security header of a web target; null when not looked for or unknown.",
        },
      },
    },
    hsts: {
      type: "object",
      additionalProperties: false,
      required: ["present", "maxAge", "includeSubDomains", "preload", "raw"],
      properties: {
        present: { type: "boolean", description: "The header was sent." },
        maxAge: {
          ...nullableInteger,
          description: "max-age in seconds; null when absent or malformed.",
        },
        includeSubDomains: {
          type: "boolean",
          description: "The includeSubDomains directive is present.",
        },
        preload: { type: "boolean", description: "The preload directive is present." },
        raw: { ...nullableString, description: "The header as received; null when absent." },
      },
    },
    client: {
      description:
        "One simulated client handshake: the client's own ClientHello sent to the target. ok is null when the connection failed (inconclusive).",
      type: "object",
      additionalProperties: false,
      required: [
        "name",
        "family",
        "version",
        "year",
        "current",
        "ok",
        "protocol",
        "cipher",
        "group",
        "dhBits",
        "reason",
        "reasonCode",
      ],
      properties: {
        name: {
          type: "string",
          description:
            'The profile\'s name, e.g. "Android 8.1 (native)" (see the client registry).',
        },
        family: { type: "string", description: '"Android", "Chrome", "Java", …' },
        version: { type: "string", description: "Client version." },
        year: {
          ...nullableInteger,
          description: "The year this client version first shipped, where known.",
        },
        current: { type: "boolean", description: "One of the current clients (the default set)." },
        ok: {
          ...nullableBoolean,
          description:
            "true: connected; false: could not; null: inconclusive (the connection failed).",
        },
        protocol: {
          enum: ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3", null],
          description: "Protocol negotiated, when the server chose.",
        },
        cipher: { ...nullableString, description: "IANA name of the suite negotiated." },
        group: {
          ...nullableString,
          description:
            "Key-exchange group negotiated (registry name); null for RSA key transport or a custom DH prime.",
        },
        dhBits: { ...nullableInteger, description: "Size of the DH prime, for finite-field DHE." },
        reason: {
          ...nullableString,
          description: "For a failure, what a person debugging it needs to know; null when ok.",
        },
        reasonCode: {
          description: "Why the client could not connect, by class; null when ok.",
          enum: [
            "no-shared-protocol",
            "no-shared-cipher",
            "no-shared-group",
            "no-shared-signature",
            "server-alert",
            "server-closed",
            "client-rejects",
            "connection-failed",
            null,
          ],
        },
      },
    },
  },
} as const;
