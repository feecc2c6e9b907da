/* A logfmt parser: `key=value key2="quoted \"value\"" flag` becomes a compact record
 *   u16 field count, then per field: u16 key length, key, u16 value length, value (unescaped)
 * (little-endian). A line it cannot parse (a field without a key, an unterminated quote, a quote in a key) is
 * rejected (KA_BAD_RECORD), counted, and the stream goes on. */
#include "keelson_actor.h"

static u32 lines;
static u32 bad;

KA_EXPORT(init) void init(void) {
    lines = 0;
    bad = 0;
}

KA_EXPORT(configure) int configure(int len) { return len == 0 ? 0 : KA_BAD_RECORD; }

static int put16(u32 *o, u32 v) {
    if (*o + 2 > KA_OUT_CAP || v > 0xFFFF) {
        return 0;
    }
    ka_out[(*o)++] = (u8) v;
    ka_out[(*o)++] = (u8) (v >> 8);
    return 1;
}

static int reject(void) {
    bad++;
    return KA_BAD_RECORD;
}

KA_EXPORT(process) int process(int len) {
    if (len < 0 || len > KA_IN_CAP) {
        return reject();
    }
    u32 n = (u32) len;
    while (n > 0 && (ka_in[n - 1] == '\n' || ka_in[n - 1] == '\r')) {
        n--;
    }
    lines++;
    u32 o = 2;
    u32 fields = 0;
    u32 i = 0;
    while (i < n) {
        while (i < n && ka_in[i] == ' ') {
            i++;
        }
        if (i == n) {
            break;
        }
        u32 key = i;
        while (i < n && ka_in[i] != ' ' && ka_in[i] != '=') {
            if (ka_in[i] == '"') {
                return reject();
            }
            i++;
        }
        u32 klen = i - key;
        if (klen == 0) {
            return reject();
        }
        if (!put16(&o, klen) || o + klen > KA_OUT_CAP) {
            return KA_NO_ROOM;
        }
        ka_copy(ka_out + o, ka_in + key, klen);
        o += klen;
        u32 vlen_at = o;
        if (!put16(&o, 0)) {
            return KA_NO_ROOM;
        }
        u32 vstart = o;
        if (i < n && ka_in[i] == '=') {
            i++;
            if (i < n && ka_in[i] == '"') {
                i++;
                int closed = 0;
                while (i < n) {
                    u8 c = ka_in[i++];
                    if (c == '"') {
                        closed = 1;
                        break;
                    }
                    if (c == '\\' && i < n) {
                        c = ka_in[i++];
                        c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
                    }
                    if (o + 1 > KA_OUT_CAP) {
                        return KA_NO_ROOM;
                    }
                    ka_out[o++] = c;
                }
                if (!closed || (i < n && ka_in[i] != ' ')) {
                    return reject();
                }
            } else {
                while (i < n && ka_in[i] != ' ') {
                    if (ka_in[i] == '"') {
                        return reject();
                    }
                    if (o + 1 > KA_OUT_CAP) {
                        return KA_NO_ROOM;
                    }
                    ka_out[o++] = ka_in[i++];
                }
            }
        }
        u32 vlen = o - vstart;
        if (vlen > 0xFFFF) {
            return KA_NO_ROOM;
        }
        ka_out[vlen_at] = (u8) vlen;
        ka_out[vlen_at + 1] = (u8) (vlen >> 8);
        fields++;
    }
    if (fields == 0) {
        return reject();
    }
    ka_out[0] = (u8) fields;
    ka_out[1] = (u8) (fields >> 8);
    return (int) o;
}

KA_EXPORT(lines_seen) u32 lines_seen(void) { return lines; }
KA_EXPORT(lines_rejected) u32 lines_rejected(void) { return bad; }
