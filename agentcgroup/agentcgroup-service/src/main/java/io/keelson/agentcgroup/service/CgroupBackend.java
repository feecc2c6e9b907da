package io.keelson.agentcgroup.service;

import java.util.Locale;

/** Which cgroups sessions run in: the host kernel's, the emulated ones, or the kernel's when usable, else emulated. */
public enum CgroupBackend {
    AUTO, KERNEL, EMULATED;

    /** {@code auto}, {@code kernel} or {@code emulated}, as written in config or {@code KEELSON_AGENTCGROUP_BACKEND}. */
    public static CgroupBackend parse(String text, String setting) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " must be auto, kernel or emulated, was '" + text + "'", e);
        }
    }
}
