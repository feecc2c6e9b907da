package io.keelson.common.events;

import com.google.protobuf.StringValue;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InProcessEventBusTest {

    private static String text(EventBus.Event e) {
        try {
            return e.key() + ":" + StringValue.parseFrom(e.payload()).getValue();
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    void subscribersGetTheirTopicAndKeyInPublishOrderUntilTheyLeave() {
        EventBus bus = new InProcessEventBus();
        List<String> all = new ArrayList<>();
        List<String> onlyA = new ArrayList<>();
        List<String> other = new ArrayList<>();
        Runnable leaveAll = bus.subscribe("t", "", e -> all.add(text(e)));
        bus.subscribe("t", "a", e -> onlyA.add(text(e)));
        bus.subscribe("u", "", e -> other.add(text(e)));

        bus.publish("t", "a", StringValue.of("1"));
        bus.publish("t", "b", StringValue.of("2"));
        bus.publish("t", "a", StringValue.of("3"));
        leaveAll.run();
        bus.publish("t", "a", StringValue.of("4"));

        assertThat(all).containsExactly("a:1", "b:2", "a:3");
        assertThat(onlyA).containsExactly("a:1", "a:3", "a:4");
        assertThat(other).isEmpty();
    }
}
