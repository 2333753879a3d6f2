package dev.weft.ipc.inspect;

import dev.weft.ipc.internal.HeaderDescriptor;
import dev.weft.ipc.inspect.ObjectInfo.DamagedFile;
import dev.weft.ipc.inspect.ObjectInfo.EventInfo;
import dev.weft.ipc.inspect.ObjectInfo.LockInfo;
import dev.weft.ipc.inspect.ObjectInfo.OtherInfo;
import dev.weft.ipc.inspect.ObjectInfo.QueueInfo;
import dev.weft.ipc.inspect.ObjectInfo.QueueParticipant;
import dev.weft.ipc.inspect.ObjectInfo.SemaphoreInfo;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Renders reports as aligned text tables or as JSON. */
final class ReportWriter {

    private ReportWriter() {}

    // ---- text ------------------------------------------------------------------------------

    static String text(DomainReport report) {
        StringBuilder out = new StringBuilder();
        out.append("Domain ").append(report.directory()).append("  (read ").append(report.readAt())
                .append("; a snapshot taken without locks, not atomic across words)\n");
        if (report.registryProblem() != null) {
            out.append("Registry: ").append(report.registryProblem()).append('\n');
        }
        out.append('\n').append("PARTICIPANTS\n");
        Table participants = new Table("ENTRY", "PID", "STARTED", "STATE", "ALIVE");
        for (Participant p : report.participants()) {
            participants.row(p.entry() + "/" + p.generation(), Long.toString(p.pid()),
                    p.started() == null ? "?" : p.started().toString(), p.state(), liveness(p.liveness()));
        }
        participants.appendTo(out);
        out.append('\n');
        out.append(objects(report.objects()));
        return out.toString();
    }

    static String objects(List<ObjectInfo> objects) {
        StringBuilder out = new StringBuilder();
        Table locks = new Table("LOCK", "STATE", "HOLDER", "ALIVE", "SLEEPERS", "RECOVERIES", "NOTE");
        Table semaphores = new Table("SEMAPHORE", "KIND", "INITIAL", "AVAILABLE", "HELD", "TAINTED", "EXCESS", "SLEEPERS",
                "RECOVERIES", "RECOVERED-PERMITS");
        Table holdings = new Table("SEMAPHORE", "PARTICIPANT", "PID", "ALIVE", "PERMITS");
        Table events = new Table("EVENT", "SET", "GENERATION", "SLEEPERS");
        Table queues = new Table("QUEUE", "KIND", "CAPACITY", "MAX-MSG", "DEPTH", "WRITING", "UNFINISHED", "TOMBSTONES",
                "REDELIVERED", "DISCARDED", "ABANDONED", "QUARANTINED", "DEAD-LETTERED", "STATE");
        Table shares = new Table("QUEUE", "PARTICIPANT", "PID", "ALIVE", "CLAIMED", "NOT-DONE");
        Table others = new Table("FILE", "KIND", "CREATOR-PID", "CREATED");
        Table damaged = new Table("FILE", "PROBLEM");
        for (ObjectInfo o : objects) {
            switch (o) {
                case LockInfo l -> locks.row(l.name() + (l.reentrant() ? " (rlock)" : ""),
                        l.holder() == null ? "free" : l.reentrant() ? "held x" + l.holds() + " by thread " + l.ownerThread() : "held",
                        l.holder() == null ? "-" : holder(l.holder()), l.holder() == null ? "-" : liveness(l.holder().liveness()),
                        yesNo(l.sleepers()), Long.toString(l.recoveries()),
                        l.ownerDiedPending() ? "holder dead: next acquirer gets OWNER_DIED" : "");
                case SemaphoreInfo m -> {
                    semaphores.row(m.name(), m.bounded() ? "bounded" : "plain", Integer.toString(m.initial()),
                            Long.toString(m.available()),
                            Long.toString(m.holdings().stream().mapToLong(ObjectInfo.Holding::permits).sum()),
                            Long.toString(m.tainted()), Long.toString(m.excess()), yesNo(m.sleepers()),
                            Long.toString(m.recoveries()), Long.toString(m.recoveredPermits()));
                    for (ObjectInfo.Holding h : m.holdings()) {
                        holdings.row(m.name(), h.holder().tokenText(), pid(h.holder()), liveness(h.holder().liveness()),
                                Long.toString(h.permits()));
                    }
                }
                case EventInfo e -> events.row(e.name(), yesNo(e.set()), Integer.toString(e.generation()), yesNo(e.sleepers()));
                case QueueInfo q -> {
                    queues.row(q.name(), kind(q), Integer.toString(q.capacity()),
                            Integer.toString(q.maxMessageSize()), Long.toString(q.depth()), Long.toString(q.claimedByProducers()),
                            q.joinable() ? Long.toString(q.unfinishedTasks()) : "-", Long.toString(q.tombstones()),
                            Long.toString(q.redeliveries()), Long.toString(q.discarded()), Long.toString(q.abandonedTasks()),
                            Long.toString(q.quarantined()), Long.toString(q.deadLettered()),
                            q.shutdown() == null ? "running" : q.shutdown());
                    for (QueueParticipant p : q.participants()) {
                        shares.row(q.name(), p.holder().tokenText(), pid(p.holder()), liveness(p.holder().liveness()),
                                Long.toString(p.claimed()), q.joinable() ? Long.toString(p.notDone()) : "-");
                    }
                }
                case OtherInfo x -> others.row(x.file().getFileName().toString(), HeaderDescriptor.kindName(x.kind()),
                        Long.toString(x.creatorPid()), x.created().toString());
                case DamagedFile d -> damaged.row(d.name(), d.problem());
            }
        }
        for (Table t : List.of(locks, semaphores, holdings, events, queues, shares, others, damaged)) {
            if (!t.rows.isEmpty()) {
                t.appendTo(out);
                out.append('\n');
            }
        }
        if (objects.isEmpty()) {
            out.append("(no objects)\n");
        }
        return out.toString();
    }

    private static String kind(QueueInfo q) {
        if (!q.joinable()) {
            return "plain";
        }
        if (q.acknowledgement().equals("ON_TASK_DONE")) {
            return "joinable, ack on taskDone" + (q.maxDeliveries() > 0 ? " (max " + q.maxDeliveries() + ")" : "");
        }
        return "joinable";
    }

    private static String holder(Holder h) {
        return "pid " + pid(h) + " (" + h.tokenText() + ")";
    }

    private static String pid(Holder h) {
        return h.pid() < 0 ? "?" : Long.toString(h.pid());
    }

    private static String liveness(Liveness l) {
        return switch (l) {
            case ALIVE -> "yes";
            case DEAD -> "DEAD";
            case UNKNOWN -> "?";
        };
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    /** Left-aligned columns, two spaces apart. */
    private static final class Table {
        final String[] header;
        final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            this.header = header;
        }

        void row(String... cells) {
            rows.add(cells);
        }

        void appendTo(StringBuilder out) {
            int[] width = new int[header.length];
            for (int c = 0; c < header.length; c++) {
                width[c] = header[c].length();
                for (String[] r : rows) {
                    width[c] = Math.max(width[c], r[c].length());
                }
            }
            line(out, header, width);
            for (String[] r : rows) {
                line(out, r, width);
            }
        }

        private static void line(StringBuilder out, String[] cells, int[] width) {
            StringBuilder l = new StringBuilder();
            for (int c = 0; c < cells.length; c++) {
                l.append(cells[c]);
                if (c < cells.length - 1) {
                    l.append(" ".repeat(width[c] - cells[c].length() + 2));
                }
            }
            out.append(l.toString().stripTrailing()).append('\n');
        }
    }

    // ---- JSON ------------------------------------------------------------------------------

    static String json(DomainReport report) {
        Json j = new Json();
        j.open('{');
        j.field("directory").string(report.directory().toString());
        j.field("readAt").string(report.readAt().toString());
        j.field("registryProblem").string(report.registryProblem());
        j.field("participants").open('[');
        for (Participant p : report.participants()) {
            j.element().open('{');
            j.field("entry").number(p.entry());
            j.field("generation").number(p.generation());
            j.field("token").number(p.token());
            j.field("state").string(p.state());
            j.field("pid").number(p.pid());
            j.field("started").string(p.started() == null ? null : p.started().toString());
            j.field("liveness").string(p.liveness().name());
            j.close('}');
        }
        j.close(']');
        j.field("objects");
        objectsJson(j, report.objects());
        j.close('}');
        return j.toString();
    }

    static String json(List<ObjectInfo> objects) {
        Json j = new Json();
        objectsJson(j, objects);
        return j.toString();
    }

    private static void objectsJson(Json j, List<ObjectInfo> objects) {
        j.open('[');
        for (ObjectInfo o : objects) {
            j.element().open('{');
            j.field("name").string(o.name());
            j.field("file").string(o.file().toString());
            switch (o) {
                case LockInfo l -> {
                    j.field("type").string(l.reentrant() ? "rlock" : "lock");
                    j.field("held").bool(l.holder() != null);
                    if (l.reentrant()) {
                        j.field("ownerThread").number(l.ownerThread());
                        j.field("holds").number(l.holds());
                    }
                    j.field("holder");
                    holderJson(j, l.holder());
                    j.field("ownerDiedPending").bool(l.ownerDiedPending());
                    j.field("sleepers").bool(l.sleepers());
                    j.field("recoveries").number(l.recoveries());
                }
                case SemaphoreInfo m -> {
                    j.field("type").string("semaphore");
                    j.field("initial").number(m.initial());
                    j.field("bounded").bool(m.bounded());
                    j.field("available").number(m.available());
                    j.field("tainted").number(m.tainted());
                    j.field("excess").number(m.excess());
                    j.field("inCriticalSection");
                    holderJson(j, m.inCriticalSection());
                    j.field("sleepers").bool(m.sleepers());
                    j.field("recoveries").number(m.recoveries());
                    j.field("recoveredPermits").number(m.recoveredPermits());
                    j.field("holdings").open('[');
                    for (ObjectInfo.Holding h : m.holdings()) {
                        j.element().open('{');
                        j.field("holder");
                        holderJson(j, h.holder());
                        j.field("permits").number(h.permits());
                        j.close('}');
                    }
                    j.close(']');
                }
                case EventInfo e -> {
                    j.field("type").string("event");
                    j.field("set").bool(e.set());
                    j.field("generation").number(e.generation());
                    j.field("sleepers").bool(e.sleepers());
                }
                case QueueInfo q -> {
                    j.field("type").string("queue");
                    j.field("joinable").bool(q.joinable());
                    j.field("acknowledgement").string(q.acknowledgement());
                    j.field("maxDeliveries").number(q.maxDeliveries());
                    j.field("capacity").number(q.capacity());
                    j.field("maxMessageSize").number(q.maxMessageSize());
                    j.field("redeliverOnConsumerDeath").bool(q.redeliverOnConsumerDeath());
                    j.field("syncOnCommit").bool(q.syncOnCommit());
                    j.field("depth").number(q.depth());
                    j.field("claimedByProducers").number(q.claimedByProducers());
                    j.field("unfinishedTasks").number(q.unfinishedTasks());
                    j.field("shutdown").string(q.shutdown());
                    j.field("tombstones").number(q.tombstones());
                    j.field("redeliveries").number(q.redeliveries());
                    j.field("discarded").number(q.discarded());
                    j.field("abandonedTasks").number(q.abandonedTasks());
                    j.field("quarantined").number(q.quarantined());
                    j.field("deadLettered").number(q.deadLettered());
                    j.field("participants").open('[');
                    for (QueueParticipant p : q.participants()) {
                        j.element().open('{');
                        j.field("holder");
                        holderJson(j, p.holder());
                        j.field("claimed").number(p.claimed());
                        j.field("notDone").number(p.notDone());
                        j.close('}');
                    }
                    j.close(']');
                }
                case OtherInfo x -> {
                    j.field("type").string("other");
                    j.field("kind").number(x.kind());
                    j.field("creatorPid").number(x.creatorPid());
                    j.field("created").string(x.created().toString());
                }
                case DamagedFile d -> {
                    j.field("type").string("damaged");
                    j.field("problem").string(d.problem());
                }
            }
            j.close('}');
        }
        j.close(']');
    }

    private static void holderJson(Json j, @Nullable Holder h) {
        if (h == null) {
            j.raw("null");
            return;
        }
        j.open('{');
        j.field("token").number(h.token());
        j.field("participant").string(h.tokenText());
        j.field("pid").number(h.pid());
        j.field("liveness").string(h.liveness().name());
        j.close('}');
    }

    /** A minimal JSON writer: objects, arrays, strings, numbers, booleans and null. */
    private static final class Json {
        private final StringBuilder out = new StringBuilder();
        private boolean first = true;

        Json open(char bracket) {
            out.append(bracket);
            first = true;
            return this;
        }

        Json close(char bracket) {
            out.append(bracket);
            first = false;
            return this;
        }

        Json element() {
            if (!first) {
                out.append(',');
            }
            first = false;
            return this;
        }

        Json field(String name) {
            element();
            quote(name);
            out.append(':');
            first = true; // the value follows without a comma
            return this;
        }

        void string(@Nullable String value) {
            if (value == null) {
                raw("null");
            } else {
                quote(value);
                first = false;
            }
        }

        void number(long value) {
            raw(Long.toString(value));
        }

        void bool(boolean value) {
            raw(Boolean.toString(value));
        }

        void raw(String text) {
            out.append(text);
            first = false;
        }

        private void quote(String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
