/* CRC32C (Castagnoli, reflected 0x82F63B78, as iSCSI/ext4/NVMe use): passes each record on with its CRC32C appended
 * (4 bytes, little-endian) and keeps the CRC of the whole stream so far (export stream_crc). */
#include "keelson_actor.h"

static u32 table[256];
static u32 running;      /* the stream's CRC so far, before the final xor */
static u32 records;

KA_EXPORT(init) void init(void) {
    for (u32 n = 0; n < 256; n++) {
        u32 c = n;
        for (int k = 0; k < 8; k++) {
            c = c & 1 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
        }
        table[n] = c;
    }
    running = 0xFFFFFFFFu;
    records = 0;
}

KA_EXPORT(configure) int configure(int len) { return len == 0 ? 0 : KA_BAD_RECORD; }

static u32 update(u32 crc, const u8 *p, u32 n) {
    for (u32 i = 0; i < n; i++) {
        crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    }
    return crc;
}

KA_EXPORT(process) int process(int len) {
    if (len < 0 || len > KA_IN_CAP) {
        return KA_BAD_RECORD;
    }
    if ((u32) len + 4 > KA_OUT_CAP) {
        return KA_NO_ROOM;
    }
    u32 crc = update(0xFFFFFFFFu, ka_in, (u32) len) ^ 0xFFFFFFFFu;
    running = update(running, ka_in, (u32) len);
    records++;
    ka_copy(ka_out, ka_in, (u32) len);
    ka_out[len] = (u8) crc;
    ka_out[len + 1] = (u8) (crc >> 8);
    ka_out[len + 2] = (u8) (crc >> 16);
    ka_out[len + 3] = (u8) (crc >> 24);
    return len + 4;
}

KA_EXPORT(stream_crc) u32 stream_crc(void) { return running ^ 0xFFFFFFFFu; }
KA_EXPORT(records_seen) u32 records_seen(void) { return records; }
