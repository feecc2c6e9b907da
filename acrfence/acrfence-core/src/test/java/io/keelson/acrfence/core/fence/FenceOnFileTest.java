package io.keelson.acrfence.core.fence;

import io.keelson.acrfence.core.testing.JournalStore;

class FenceOnFileTest extends FenceTest {
    @Override
    JournalStore store() {
        return JournalStore.FILE;
    }
}
