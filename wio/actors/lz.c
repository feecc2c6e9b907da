/* An LZ77 compressor whose window spans records: each record is compressed against the last 64 KiB of the stream
 * (this record included), so repeated keys and values across log lines compress. The window and the match index
 * live in linear memory; a migrated actor continues the same stream.
 *
 * Output, per record, a sequence of tokens:
 *   0x00..0x7F  t: a run of t+1 literal bytes follows (1..128)
 *   0x80..0xFF  t: a match of (t & 0x7F) + 4 bytes (4..131), then the distance - 1 as 2 bytes little-endian
 *               (distance 1..65536 back from the current position in the stream; may overlap what it produces)
 * The decompressor (LzDecompressor in wio-core) keeps the same 64 KiB of history. */
#include "keelson_actor.h"

#define HIST_BITS 17                 /* 128 KiB: a record of up to 64 KiB never overwrites the 64 KiB window it uses */
#define HIST (1u << HIST_BITS)
#define HIST_MASK (HIST - 1)
#define HASH_BITS 14
#define WINDOW 65536u
#define MIN_MATCH 4
#define MAX_MATCH 131
#define MAX_LITERALS 128

static u8 hist[HIST];
static u32 head[1u << HASH_BITS];  /* stream position + 1 of the latest 4 bytes with this hash; 0: none */
static u32 pos;                     /* bytes of the stream compressed so far */
static u32 records;

KA_EXPORT(init) void init(void) {
    ka_zero(head, sizeof head);
    pos = 0;
    records = 0;
}

KA_EXPORT(configure) int configure(int len) { return len == 0 ? 0 : KA_BAD_RECORD; }

static u32 hash4(const u8 *p) {
    u32 x = (u32) p[0] | (u32) p[1] << 8 | (u32) p[2] << 16 | (u32) p[3] << 24;
    return (x * 2654435761u) >> (32 - HASH_BITS);
}

static u32 flush_literals(u32 o, u32 from, u32 to) {
    while (from < to) {
        u32 run = to - from > MAX_LITERALS ? MAX_LITERALS : to - from;
        ka_out[o++] = (u8) (run - 1);
        ka_copy(ka_out + o, ka_in + from, run);
        o += run;
        from += run;
    }
    return o;
}

KA_EXPORT(process) int process(int len) {
    if (len < 0 || len > KA_IN_CAP) {
        return KA_BAD_RECORD;
    }
    u32 n = (u32) len;
    for (u32 i = 0; i < n; i++) {
        hist[(pos + i) & HIST_MASK] = ka_in[i];
    }
    u32 o = 0;
    u32 literals = 0;
    u32 i = 0;
    while (i < n) {
        u32 best = 0;
        u32 distance = 0;
        if (i + MIN_MATCH <= n) {
            u32 h = hash4(ka_in + i);
            u32 candidate = head[h];
            head[h] = pos + i + 1;
            if (candidate != 0) {
                u32 q = candidate - 1;
                u32 d = pos + i - q;
                if (d >= 1 && d <= WINDOW) {
                    u32 max = n - i < MAX_MATCH ? n - i : MAX_MATCH;
                    u32 l = 0;
                    while (l < max && hist[(q + l) & HIST_MASK] == ka_in[i + l]) {
                        l++;
                    }
                    if (l >= MIN_MATCH) {
                        best = l;
                        distance = d;
                    }
                }
            }
        }
        if (best == 0) {
            i++;
            continue;
        }
        /* worst case of what follows: the literals' runs plus this match */
        if (o + (i - literals) + (i - literals) / MAX_LITERALS + 1 + 3 > KA_OUT_CAP) {
            return KA_NO_ROOM;
        }
        o = flush_literals(o, literals, i);
        ka_out[o++] = (u8) (0x80 | (best - MIN_MATCH));
        ka_out[o++] = (u8) (distance - 1);
        ka_out[o++] = (u8) ((distance - 1) >> 8);
        for (u32 k = 1; k < best; k++) {
            if (i + k + MIN_MATCH <= n) {
                head[hash4(ka_in + i + k)] = pos + i + k + 1;
            }
        }
        i += best;
        literals = i;
    }
    if (o + (n - literals) + (n - literals) / MAX_LITERALS + 1 > KA_OUT_CAP) {
        return KA_NO_ROOM;
    }
    o = flush_literals(o, literals, n);
    pos += n;
    records++;
    return (int) o;
}

KA_EXPORT(stream_position) u32 stream_position(void) { return pos; }
