package dev.weft.ipc.inspect;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The inspector's command line: prints what a domain's files say, as a table or as JSON, and
 * changes nothing (see {@link DomainInspector}).
 *
 * <pre>
 *   java -jar weft-ipc-VERSION-inspector.jar inspect DIR [NAME] [--json]
 *   java -p weft-core.jar:weft-ipc.jar -m dev.weft.ipc/dev.weft.ipc.inspect.Inspect inspect DIR [NAME] [--json]
 * </pre>
 *
 * <p>{@code DIR} is the domain directory (for {@code IpcDomain.openDefault("app")}: {@code
 * /dev/shm/app}); {@code NAME} narrows the output to the objects of that name (or that file name,
 * such as {@code queue.jobs}). The word {@code inspect} may be left out. Exit status: 0 when read,
 * 1 when {@code NAME} matches nothing, 2 for bad arguments or an unreadable directory.
 *
 * @since 0.1
 */
public final class Inspect {

    private Inspect() {}

    /**
     * Runs the command line and exits with its status.
     *
     * @param args {@code [inspect] DIR [NAME] [--json]}
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs the command line, printing to {@code out} and {@code err}.
     *
     * @param args {@code [inspect] DIR [NAME] [--json]}
     * @param out where the report goes
     * @param err where errors and usage go
     * @return the exit status: 0 read, 1 no object of that name, 2 bad arguments or unreadable directory
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean json = false;
        List<String> positional = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--json")) {
                json = true;
            } else if (a.equals("-h") || a.equals("--help")) {
                out.println(usage());
                return 0;
            } else if (a.startsWith("--")) {
                err.println("unknown option " + a + "\n" + usage());
                return 2;
            } else {
                positional.add(a);
            }
        }
        if (!positional.isEmpty() && positional.get(0).equals("inspect")) {
            positional.remove(0);
        }
        if (positional.isEmpty() || positional.size() > 2) {
            err.println("expected DIR and at most one NAME but got " + positional.size() + " arguments\n" + usage());
            return 2;
        }
        Path dir = Path.of(positional.get(0));
        try {
            if (positional.size() == 1) {
                DomainReport report = DomainInspector.inspect(dir);
                out.print(json ? ReportWriter.json(report) + "\n" : ReportWriter.text(report));
                return 0;
            }
            String name = positional.get(1);
            List<ObjectInfo> found = DomainInspector.inspect(dir, name);
            if (found.isEmpty()) {
                err.println("no object named '" + name + "' in " + dir);
                return 1;
            }
            out.print(json ? ReportWriter.json(found) + "\n" : ReportWriter.objects(found));
            return 0;
        } catch (NoSuchFileException e) {
            err.println("no such directory: " + dir);
            return 2;
        } catch (NotDirectoryException e) {
            err.println("not a directory: " + dir);
            return 2;
        } catch (IOException e) {
            err.println("cannot read " + dir + ": " + e);
            return 2;
        }
    }

    private static String usage() {
        return "usage: inspect DIR [NAME] [--json]\n"
                + "  Prints the participants, locks, events and queues of the Weft ipc domain in DIR,\n"
                + "  or only the objects called NAME; reads the files and changes nothing.";
    }
}
