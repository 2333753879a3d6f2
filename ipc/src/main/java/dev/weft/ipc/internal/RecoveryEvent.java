package dev.weft.ipc.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * JFR event {@code dev.weft.ipc.Recovery}: this process repaired a shared object after another
 * participant died or after damage to its file: a lock taken over from a dead holder, a dead
 * producer's slot skipped as a tombstone, a dead consumer's message taken back and redelivered (or
 * dead-lettered after its last allowed delivery), a damaged slot quarantined.
 */
@Name("dev.weft.ipc.Recovery")
@Label("IPC Recovery")
@Category({"Weft", "IPC"})
@Description("A Weft ipc object was repaired after a participant died or its file was damaged")
public final class RecoveryEvent extends jdk.jfr.Event {

    /** Action: a lock was taken over from its dead holder (the acquirer got OWNER_DIED). */
    public static final String LOCK_TAKEN_OVER = "lock taken over from a dead holder";
    /** Action: a slot a dead producer was writing was skipped. */
    public static final String SLOT_TOMBSTONED = "put of a dead producer skipped (tombstone)";
    /** Action: a message a dead consumer was taking was taken back. */
    public static final String TAKE_RECOVERED = "take of a dead consumer taken back";
    /** Action: a message was delivered again. */
    public static final String MESSAGE_REDELIVERED = "message redelivered";
    /** Action: a held message whose holder died was dropped after its last allowed delivery. */
    public static final String MESSAGE_DEAD_LETTERED = "message dead-lettered after its last delivery";
    /** Action: a damaged slot was freed without delivery. */
    public static final String SLOT_QUARANTINED = "damaged slot quarantined";

    @Label("Object")
    @Description("The object repaired, e.g. lock 'accounts'")
    String object;

    @Label("File")
    @Description("The object's file")
    String file;

    @Label("Action")
    @Description("What was repaired")
    String action;

    @Label("Participant")
    @Description("The dead participant whose work was repaired, if one")
    String participant;

    /** Records the event if it is enabled; {@code participant} may be empty. */
    static void emit(String object, SharedMemory memory, String action, String participant) {
        RecoveryEvent e = new RecoveryEvent();
        if (e.isEnabled()) {
            e.object = object;
            e.file = String.valueOf(memory.path());
            e.action = action;
            e.participant = participant;
            e.commit();
        }
    }
}
