package dev.weft.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Finds and runs the examples of this module.
 *
 * <p>An example is a class of this package named {@code Example_NN_Topic} with
 * <ul>
 *   <li>a {@code public static void run(PrintStream out) throws Exception} that does the work and
 *       prints only to {@code out};</li>
 *   <li>a {@code public static void main(String[])} that calls {@code run(System.out)};</li>
 *   <li>a {@code public static final String EXPECTED_OUTPUT} holding exactly what {@code run}
 *       prints. The module's test runs every example and compares. An example whose output holds
 *       measurements (times, rates) declares {@code EXPECTED_OUTPUT_REGEX} instead: a regular
 *       expression that the whole output must match.</li>
 * </ul>
 * Examples are found by name, so adding one needs no registration.
 */
public final class Examples {

    private static final String PACKAGE_PATH = Examples.class.getPackageName().replace('.', '/');

    private Examples() {}

    /** One discovered example. */
    public record Example(String name, Class<?> type) {

        /**
         * Whether {@code printed} is what the example must print: equal to its
         * {@code EXPECTED_OUTPUT}, or matching its {@code EXPECTED_OUTPUT_REGEX}.
         */
        public boolean accepts(String printed) {
            String exact = constant("EXPECTED_OUTPUT");
            if (exact != null) {
                return exact.equals(printed);
            }
            String regex = constant("EXPECTED_OUTPUT_REGEX");
            if (regex != null) {
                return java.util.regex.Pattern.compile(regex, java.util.regex.Pattern.DOTALL).matcher(printed).matches();
            }
            throw new IllegalStateException(name + " declares neither EXPECTED_OUTPUT nor EXPECTED_OUTPUT_REGEX");
        }

        /** The expected output, or the regular expression it must match, for messages. */
        public String expectation() {
            String exact = constant("EXPECTED_OUTPUT");
            return exact != null ? exact : "(regex) " + constant("EXPECTED_OUTPUT_REGEX");
        }

        private @Nullable String constant(String field) {
            try {
                Field f = type.getField(field);
                if (!Modifier.isStatic(f.getModifiers()) || f.getType() != String.class) {
                    throw new IllegalStateException(name + "." + field + " must be a static String");
                }
                return (String) f.get(null);
            } catch (NoSuchFieldException e) {
                return null;
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(name + "." + field + " must be public", e);
            }
        }

        /** Runs the example, printing to {@code out}. */
        public void run(PrintStream out) throws Throwable {
            MethodHandles.publicLookup()
                    .findStatic(type, "run", MethodType.methodType(void.class, PrintStream.class))
                    .invoke(out);
        }
    }

    /**
     * Every example of this package, sorted by name (so by number).
     *
     * @return the examples
     */
    public static List<Example> all() {
        List<String> names = new ArrayList<>();
        try {
            Path location = Path.of(Examples.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.list(location.resolve(PACKAGE_PATH))) {
                    files.map(p -> p.getFileName().toString()).forEach(names::add);
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        String entry = e.nextElement().getName();
                        if (entry.startsWith(PACKAGE_PATH + "/") && entry.indexOf('/', PACKAGE_PATH.length() + 1) < 0) {
                            names.add(entry.substring(PACKAGE_PATH.length() + 1));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<Example> examples = new ArrayList<>();
        names.stream()
                .filter(n -> n.startsWith("Example_") && n.endsWith(".class") && !n.contains("$"))
                .map(n -> n.substring(0, n.length() - ".class".length()))
                .sorted()
                .forEach(n -> examples.add(new Example(n, load(n))));
        return examples;
    }

    private static Class<?> load(String simpleName) {
        try {
            return Class.forName(Examples.class.getPackageName() + "." + simpleName);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
