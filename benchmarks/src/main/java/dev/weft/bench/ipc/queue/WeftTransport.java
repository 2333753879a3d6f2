package dev.weft.bench.ipc.queue;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.queue.IpcQueue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** {@link Transport} over a Weft {@link IpcQueue}: blocking put and take (spin, then futex or back-off). */
final class WeftTransport implements Transport {

    private final IpcDomain domain;
    private final IpcQueue queue;
    private final ByteBuffer out;
    private final ByteBuffer in;

    WeftTransport(Path dir, String name, int size, int capacity) throws Exception {
        domain = IpcDomain.open(dir.resolve("weft"));
        queue = domain.queue(name, capacity, size);
        out = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
        in = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    @Override
    public void send(long value) throws InterruptedException {
        out.clear();
        out.putLong(0, value);
        queue.put(out);
    }

    @Override
    public long receive() throws InterruptedException {
        in.clear();
        queue.get(in);
        return in.getLong(0);
    }

    @Override
    public void close() {
        domain.close();
    }
}
