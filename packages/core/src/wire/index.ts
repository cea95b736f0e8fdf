// The TLS probe codec: pure and sans-IO. Encoders and decoders arrive with the prober.
export {};
