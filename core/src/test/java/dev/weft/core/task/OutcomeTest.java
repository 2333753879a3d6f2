package dev.weft.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tests of {@link Outcome}. */
@Timeout(20)
class OutcomeTest {

    @Test
    void of_completedFutures_givesTheMatchingCase() {
        assertThat(Outcome.of(CompletableFuture.completedFuture("v"))).isEqualTo(new Outcome.Success<>("v"));
        IOException boom = new IOException("boom");
        assertThat(Outcome.of(CompletableFuture.failedFuture(boom))).isEqualTo(new Outcome.Failure<>(boom));
        CompletableFuture<String> cancelled = new CompletableFuture<>();
        cancelled.cancel(true);
        assertThat(Outcome.of(cancelled)).isInstanceOf(Outcome.Cancelled.class);
    }

    @Test
    void of_cancelledTask_keepsTheCancelMessage() throws Exception {
        Task<String> t = Task.start(() -> {
            new CountDownLatch(1).await();
            return "never";
        });
        t.cancel("enough");
        t.awaitStopped();
        assertThat(Outcome.of(t)).isInstanceOfSatisfying(Outcome.Cancelled.class,
                c -> assertThat(c.exception()).hasMessage("enough"));
    }

    @Test
    void of_runningFuture_isRejected() {
        assertThatThrownBy(() -> Outcome.of(new CompletableFuture<String>()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("running");
    }

    @Test
    void valueOrThrow_throwsWhatJoinWould() {
        assertThat(new Outcome.Success<>("v").valueOrThrow()).isEqualTo("v");
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> new Outcome.Failure<String>(boom).valueOrThrow())
                .isInstanceOf(CompletionException.class).hasCause(boom);
        CancellationException c = new CancellationException("c");
        assertThatThrownBy(() -> new Outcome.Cancelled<String>(c).valueOrThrow()).isSameAs(c);
    }

    @Test
    void failure_ofACancellation_isRejected() {
        assertThatThrownBy(() -> new Outcome.Failure<String>(new CancellationException("c")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Cancelled");
    }

    @Test
    void ofFailure_unwrapsAndSortsCancellations() {
        IOException boom = new IOException("boom");
        assertThat(Outcome.ofFailure(new CompletionException(boom))).isEqualTo(new Outcome.Failure<>(boom));
        assertThat(Outcome.ofFailure(new CompletionException(new CancellationException())))
                .isInstanceOf(Outcome.Cancelled.class);
    }

    @Test
    void isSuccess_onlyForSuccess() {
        assertThat(new Outcome.Success<String>(null).isSuccess()).isTrue();
        assertThat(new Outcome.Failure<String>(new IOException()).isSuccess()).isFalse();
        assertThat(new Outcome.Cancelled<String>(new CancellationException()).isSuccess()).isFalse();
    }
}
