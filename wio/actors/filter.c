/* A predicate filter over logfmt records (the parser's output): passes a record whose field `key` satisfies the
 * configured test, drops the others (returns 0). Configuration (configure): u8 operator, u16 key length, key,
 * u16 operand length, operand. Operators: 1 equals, 2 differs, 3 number >= operand, 4 number < operand,
 * 5 contains. A record without the field does not pass. */
#include "keelson_actor.h"

enum { OP_EQ = 1, OP_NE = 2, OP_GE = 3, OP_LT = 4, OP_CONTAINS = 5 };

static u8 op;
static u8 key[256];
static u32 klen;
static u8 operand[1024];
static u32 olen;
static double operand_number;
static u32 seen;
static u32 passed;

static u32 get16(const u8 *p) { return (u32) p[0] | (u32) p[1] << 8; }

/* A decimal number: optional sign, digits, optional fraction. Returns 0 when it is not one. */
static int number(const u8 *p, u32 n, double *out) {
    u32 i = 0;
    double sign = 1;
    if (i < n && (p[i] == '-' || p[i] == '+')) {
        sign = p[i] == '-' ? -1 : 1;
        i++;
    }
    double v = 0;
    u32 digits = 0;
    while (i < n && p[i] >= '0' && p[i] <= '9') {
        v = v * 10 + (p[i++] - '0');
        digits++;
    }
    if (i < n && p[i] == '.') {
        i++;
        double scale = 0.1;
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            v += (p[i++] - '0') * scale;
            scale /= 10;
            digits++;
        }
    }
    if (digits == 0 || i != n) {
        return 0;
    }
    *out = sign * v;
    return 1;
}

KA_EXPORT(init) void init(void) {
    seen = 0;
    passed = 0;
}

KA_EXPORT(configure) int configure(int len) {
    if (len < 5) {
        return KA_BAD_RECORD;
    }
    u32 n = (u32) len;
    u8 o = ka_in[0];
    u32 k = get16(ka_in + 1);
    if (o < OP_EQ || o > OP_CONTAINS || k == 0 || k > sizeof key || 3 + k + 2 > n) {
        return KA_BAD_RECORD;
    }
    u32 v = get16(ka_in + 3 + k);
    if (v > sizeof operand || 3 + k + 2 + v != n) {
        return KA_BAD_RECORD;
    }
    if ((o == OP_GE || o == OP_LT) && !number(ka_in + 5 + k, v, &operand_number)) {
        return KA_BAD_RECORD;
    }
    op = o;
    klen = k;
    ka_copy(key, ka_in + 3, k);
    olen = v;
    ka_copy(operand, ka_in + 5 + k, v);
    return 0;
}

static int same(const u8 *a, u32 an, const u8 *b, u32 bn) {
    if (an != bn) {
        return 0;
    }
    for (u32 i = 0; i < an; i++) {
        if (a[i] != b[i]) {
            return 0;
        }
    }
    return 1;
}

static int contains(const u8 *a, u32 an, const u8 *b, u32 bn) {
    for (u32 i = 0; i + bn <= an; i++) {
        if (same(a + i, bn, b, bn)) {
            return 1;
        }
    }
    return 0;
}

static int test(const u8 *v, u32 vn) {
    double x;
    switch (op) {
        case OP_EQ: return same(v, vn, operand, olen);
        case OP_NE: return !same(v, vn, operand, olen);
        case OP_GE: return number(v, vn, &x) && x >= operand_number;
        case OP_LT: return number(v, vn, &x) && x < operand_number;
        case OP_CONTAINS: return contains(v, vn, operand, olen);
        default: return 0;
    }
}

KA_EXPORT(process) int process(int len) {
    if (op == 0) {
        return KA_BAD_RECORD; /* not configured */
    }
    if (len < 2 || len > KA_IN_CAP) {
        return KA_BAD_RECORD;
    }
    u32 n = (u32) len;
    u32 fields = get16(ka_in);
    u32 i = 2;
    int pass = 0;
    for (u32 f = 0; f < fields; f++) {
        if (i + 2 > n) {
            return KA_BAD_RECORD;
        }
        u32 k = get16(ka_in + i);
        i += 2;
        if (i + k + 2 > n) {
            return KA_BAD_RECORD;
        }
        const u8 *kp = ka_in + i;
        i += k;
        u32 v = get16(ka_in + i);
        i += 2;
        if (i + v > n) {
            return KA_BAD_RECORD;
        }
        if (!pass && same(kp, k, key, klen) && test(ka_in + i, v)) {
            pass = 1;
        }
        i += v;
    }
    if (i != n) {
        return KA_BAD_RECORD;
    }
    seen++;
    if (!pass) {
        return 0;
    }
    passed++;
    ka_copy(ka_out, ka_in, n);
    return (int) n;
}

KA_EXPORT(records_seen) u32 records_seen(void) { return seen; }
KA_EXPORT(records_passed) u32 records_passed(void) { return passed; }
