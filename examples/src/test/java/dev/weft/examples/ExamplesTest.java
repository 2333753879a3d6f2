package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Runs every example and compares what it prints with its {@code EXPECTED_OUTPUT}. */
class ExamplesTest {

    private static final Duration PER_EXAMPLE = Duration.ofSeconds(60);

    @Test
    void examples_areFound() {
        assertThat(Examples.all()).isNotEmpty();
    }

    @TestFactory
    Stream<DynamicTest> everyExample_printsItsExpectedOutput() {
        return Examples.all().stream().map(example -> DynamicTest.dynamicTest(example.name(), () -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
                assertTimeoutPreemptively(PER_EXAMPLE, () -> example.run(out));
            }
            String printed = bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
            assertThat(example.accepts(printed))
                    .as("output of %s:%n%s%nexpected:%n%s", example.name(), printed, example.expectation())
                    .isTrue();
        }));
    }
}
