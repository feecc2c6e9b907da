package io.keelson.acrfence.core.fence;

import io.keelson.acrfence.core.testing.JournalStore;

class FenceOnPostgresTest extends FenceTest {
    @Override
    JournalStore store() {
        return JournalStore.POSTGRES;
    }
}
