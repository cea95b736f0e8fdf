/**
 * NewSessionTicket (RFC 8446 4.6.1): a TLS 1.3 server's ticket after the handshake. The scanner
 * reads its early_data extension, whose max_early_data_size says whether the ticket allows 0-RTT.
 */
import { ByteReader, ByteWriter } from "./bytes.js";
import { EXTENSION_TYPE } from "./constants.js";
import { DecodeError } from "./errors.js";
import type { Extension } from "./extensions.js";
import { writeExtensions } from "./extensions.js";

export interface NewSessionTicket {
  readonly ticketLifetime: number;
  readonly ticketAgeAdd: number;
  readonly ticketNonce: Uint8Array;
  readonly ticket: Uint8Array;
  /** Every extension in order, raw. */
  readonly extensions: Extension[];
  /** early_data's max_early_data_size; null without the extension (no 0-RTT). */
  readonly maxEarlyDataSize: number | null;
}

const FIELD = "NewSessionTicket";

export function decodeNewSessionTicket(body: Uint8Array): NewSessionTicket {
  const r = new ByteReader(body);
  const ticketLifetime = r.u32(`${FIELD}.ticketLifetime`);
  const ticketAgeAdd = r.u32(`${FIELD}.ticketAgeAdd`);
  const ticketNonce = r.vector8(`${FIELD}.ticketNonce`);
  const ticketOffset = r.offset;
  const ticket = r.vector16(`${FIELD}.ticket`);
  if (ticket.length === 0) {
    throw new DecodeError("invalid", "empty ticket", {
      offset: ticketOffset,
      field: `${FIELD}.ticket.length`,
    });
  }
  let maxEarlyDataSize: number | null = null;
  const extensions = r.readVector16(`${FIELD}.extensions`, (list) => {
    const found: Extension[] = [];
    // A Set, not a scan of `found`: a hostile ticket may carry thousands of extensions.
    const seen = new Set<number>();
    while (!list.atEnd) {
      const field = `${FIELD}.extensions[${found.length}]`;
      const typeOffset = list.offset;
      const type = list.u16(`${field}.type`);
      if (seen.has(type)) {
        throw new DecodeError("invalid", `duplicate extension ${type}`, {
          offset: typeOffset,
          field: `${field}.type`,
        });
      }
      const lengthOffset = list.offset;
      const data = list.vector16(field);
      if (type === EXTENSION_TYPE.early_data) {
        // `uint32 max_early_data_size`, and nothing else.
        const d = new ByteReader(data, lengthOffset + 2);
        maxEarlyDataSize = d.u32(`${field}.maxEarlyDataSize`);
        d.expectEnd(field);
      }
      seen.add(type);
      found.push({ type, data });
    }
    return found;
  });
  r.expectEnd(FIELD);
  return { ticketLifetime, ticketAgeAdd, ticketNonce, ticket, extensions, maxEarlyDataSize };
}

/** A NewSessionTicket body (scripted servers, round trips); early data when `maxEarlyDataSize` is set. */
export function encodeNewSessionTicket(
  ticket: Omit<NewSessionTicket, "extensions" | "maxEarlyDataSize"> & {
    readonly maxEarlyDataSize?: number | null;
  },
): Uint8Array {
  const w = new ByteWriter();
  w.u32(ticket.ticketLifetime, `${FIELD}.ticketLifetime`);
  w.u32(ticket.ticketAgeAdd, `${FIELD}.ticketAgeAdd`);
  w.lengthPrefixed(1, (v) => v.bytes(ticket.ticketNonce), `${FIELD}.ticketNonce`);
  w.lengthPrefixed(2, (v) => v.bytes(ticket.ticket), `${FIELD}.ticket`);
  const size = ticket.maxEarlyDataSize ?? null;
  writeExtensions(
    w,
    size === null
      ? []
      : [
          {
            type: EXTENSION_TYPE.early_data,
            data: new ByteWriter().u32(size, `${FIELD}.maxEarlyDataSize`).finish(),
          },
        ],
    FIELD,
  );
  return w.finish();
}
