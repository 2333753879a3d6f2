package dev.weft.ipc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The invariant checker of the multi-process queue tests. Producers declare what they put (the puts
 * that returned, and puts that may or may not have committed because their process was killed);
 * consumers report what they took, in order. {@link #check} then asserts:
 * <ul>
 *   <li>no message is delivered twice;</li>
 *   <li>every message whose put returned is delivered, except at most {@code allowedMissing} (one
 *       per consumer killed after a take returned but before it could report it);</li>
 *   <li>nothing is delivered that nobody put;</li>
 *   <li>each consumer sees each producer's messages in order, except at most {@code redeliveries}
 *       messages (a redelivered message comes after later ones).</li>
 * </ul>
 */
public final class QueueChecker {

    private final Map<Integer, Integer> returned = new HashMap<>();
    private final Set<Long> uncertain = new HashSet<>();
    private final Map<String, List<Long>> deliveries = new LinkedHashMap<>();

    /** Producer {@code producer}'s puts of sequence numbers {@code 0 .. count-1} returned. */
    public void putsReturned(int producer, int count) {
        returned.merge(producer, count, Math::max);
    }

    /** A put that may or may not have committed (its process was killed around it). */
    public void putUncertain(int producer, int seq) {
        uncertain.add(id(producer, seq));
    }

    /** Consumer {@code consumer} took the message {@code producer/seq} (in call order). */
    public void delivered(String consumer, int producer, int seq) {
        deliveries.computeIfAbsent(consumer, c -> new ArrayList<>()).add(id(producer, seq));
    }

    /** Reads a consumer's file of (producer, seq) int pairs. */
    public void deliveredFromFile(String consumer, Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            while (true) {
                int producer;
                try {
                    producer = in.readInt();
                } catch (EOFException end) {
                    return;
                }
                delivered(consumer, producer, in.readInt());
            }
        }
    }

    /** Messages delivered, all consumers together. */
    public long deliveredCount() {
        return deliveries.values().stream().mapToLong(List::size).sum();
    }

    /** Runs the checks (see the class comment). */
    public void check(long redeliveries, int allowedMissing) {
        Map<Long, Integer> counts = new HashMap<>();
        for (List<Long> list : deliveries.values()) {
            for (long id : list) {
                counts.merge(id, 1, Integer::sum);
            }
        }
        List<String> duplicates = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        counts.forEach((id, n) -> {
            if (n > 1) {
                duplicates.add(describe(id) + " x" + n);
            }
            int producer = (int) (id >> 32);
            int seq = (int) (long) id;
            Integer count = returned.get(producer);
            if ((count == null || seq >= count || seq < 0) && !uncertain.contains(id)) {
                unknown.add(describe(id));
            }
        });
        assertThat(duplicates).as("messages delivered more than once").isEmpty();
        assertThat(unknown).as("messages delivered that nobody put").isEmpty();
        List<String> missing = new ArrayList<>();
        returned.forEach((producer, count) -> {
            for (int seq = 0; seq < count; seq++) {
                if (!counts.containsKey(id(producer, seq))) {
                    missing.add(describe(id(producer, seq)));
                }
            }
        });
        assertThat(missing.size()).as("messages lost (returned puts never delivered): %s", head(missing))
                .isLessThanOrEqualTo(allowedMissing);
        deliveries.forEach((consumer, list) -> {
            Map<Integer, Integer> last = new HashMap<>();
            int outOfOrder = 0;
            for (long id : list) {
                int producer = (int) (id >> 32);
                int seq = (int) id;
                int previous = last.getOrDefault(producer, -1);
                if (seq < previous) {
                    outOfOrder++;
                } else {
                    last.put(producer, seq);
                }
            }
            assertThat((long) outOfOrder).as("per-producer order seen by consumer %s", consumer)
                    .isLessThanOrEqualTo(redeliveries);
        });
    }

    private static List<String> head(List<String> list) {
        return list.subList(0, Math.min(10, list.size()));
    }

    private static long id(int producer, int seq) {
        return ((long) producer << 32) | (seq & 0xFFFF_FFFFL);
    }

    private static String describe(long id) {
        return (int) (id >> 32) + "/" + (int) id;
    }
}
