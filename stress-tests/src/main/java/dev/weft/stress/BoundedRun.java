package dev.weft.stress;

import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;
import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;
import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;

/**
 * Runs jcstress with the given options and exits non-zero unless every selected test ran and
 * passed.
 *
 * <p>jcstress itself always exits 0 and only reports failures in its console output and HTML
 * report. The build's bounded stress run goes through this class instead, so that a forbidden
 * outcome, a crashed fork or a test that could not be scheduled on the machine fails the build.
 *
 * <p>Run: {@code java -cp stress-tests/target/jcstress.jar dev.weft.stress.BoundedRun -m quick}
 * takes the same options as {@code java -jar jcstress.jar}.
 */
public final class BoundedRun {

    private BoundedRun() {}

    public static void main(String[] args) throws Exception {
        Options opts = new Options(args);
        if (!opts.parse()) {
            System.exit(2);
        }
        JCStress jcstress = new JCStress(opts);
        SortedSet<String> selected = jcstress.getTests();
        try {
            jcstress.run();
        } catch (AssertionError failuresReported) {
            // jcstress's own report throws when a fork crashed or timed out; the summary below
            // counts those results as failures too.
            System.out.println(failuresReported.getMessage());
        }

        InProcessCollector collector = new InProcessCollector();
        DiskReadCollector reader = new DiskReadCollector(opts.getResultFile(), collector);
        reader.dump();
        reader.close();
        Collection<TestResult> results = collector.getTestResults();

        SortedSet<String> ran = new TreeSet<>();
        SortedSet<String> bad = new TreeSet<>();
        for (TestResult r : results) {
            ran.add(r.getName());
            if (r.status() != Status.NORMAL || !r.grading().isPassed) {
                bad.add(r.getName() + " (" + r.status() + ")");
            }
        }
        SortedSet<String> missing = new TreeSet<>(selected);
        missing.removeAll(ran);

        System.out.println();
        System.out.printf("Weft bounded stress run: %d tests selected, %d ran, %d failed or errored, %d not run%n",
                selected.size(), ran.size(), bad.size(), missing.size());
        for (String name : bad) {
            System.out.println("  FAILED: " + name);
        }
        for (String name : missing) {
            System.out.println("  NOT RUN: " + name);
        }
        boolean ok = !selected.isEmpty() && bad.isEmpty() && missing.isEmpty();
        System.out.println(ok ? "Weft bounded stress run: PASSED" : "Weft bounded stress run: FAILED");
        System.exit(ok ? 0 : 1);
    }
}
