package dev.weft.examples;

/**
 * Runs every example in order, each under a heading.
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests} (see the README).
 * Add {@code -Dexample=dev.weft.examples.Example_NN_Topic} to run a single one.
 */
public final class AllExamples {

    private AllExamples() {}

    public static void main(String[] args) throws Throwable {
        for (Examples.Example example : Examples.all()) {
            System.out.println("=== " + example.name() + " ===");
            example.run(System.out);
            System.out.println();
        }
    }
}
