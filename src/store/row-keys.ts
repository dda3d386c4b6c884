/**
 * The integer row keys of the per-execution append-only tables (history_chunks, journal; migration 7): a row of
 * execution e with sequence number n (last event id, journal seq) has key e * SPAN + n. One integer, ordered as
 * the pair, is the table's rowid: no second index, and an execution's rows append in key order.
 */

/** 2^32: event ids and journal seqs stay below it; execution ids below 2^31 keep keys within 63 bits. */
export const SPAN = 4294967296;
/** The largest low part of a key. */
export const LOW = SPAN - 1;
/** SQL for the first key of the execution bound to `param`, computed in SQLite's 64-bit integers. */
export const KEY = (param: string) => `(${param} * ${SPAN})`;
