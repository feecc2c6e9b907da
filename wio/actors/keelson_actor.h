/*
 * The Keelson storage-actor ABI (wasm32; the module defines its memory, which the host backs with its slice of the
 * shared region: a module-defined memory starts zeroed, so its zero-initialised statics need no data segment).
 *
 * The host writes one record into the actor's input buffer (export `input`, at most KA_IN_CAP bytes) and calls
 * `process(len)`; the actor writes what it passes on into its output buffer (export `output`) and returns the
 * output's length: 0 drops the record, a negative value rejects it (KA_BAD_RECORD: malformed, counted and skipped
 * by the host; KA_NO_ROOM: the output buffer is too small). `configure(len)` takes configuration bytes the same way
 * and `init()` resets the actor's state.
 *
 * Every bit of state lives in linear memory - zero-initialised statics, set by init() - and never in an initialised
 * mutable static or a mutable global of its own: the memory is a slice of a region shared by the host and the
 * device, and a second instance on the same slice (the other side, after a migration) must carry on exactly where
 * the first stopped. Read-only tables may be initialised data: re-instantiation writes the same bytes again.
 */
#ifndef KEELSON_ACTOR_H
#define KEELSON_ACTOR_H

#define KA_IN_CAP 65536
#define KA_OUT_CAP 73728
#define KA_BAD_RECORD (-2)
#define KA_NO_ROOM (-3)

#define KA_EXPORT(name) __attribute__((export_name(#name)))

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;

static u8 ka_in[KA_IN_CAP];
static u8 ka_out[KA_OUT_CAP];

KA_EXPORT(input) u8 *input(void) { return ka_in; }
KA_EXPORT(output) u8 *output(void) { return ka_out; }

static inline void ka_copy(u8 *to, const u8 *from, u32 n) {
    for (u32 i = 0; i < n; i++) {
        to[i] = from[i];
    }
}

static inline void ka_zero(void *to, u32 n) {
    u8 *p = (u8 *) to;
    for (u32 i = 0; i < n; i++) {
        p[i] = 0;
    }
}

#endif
