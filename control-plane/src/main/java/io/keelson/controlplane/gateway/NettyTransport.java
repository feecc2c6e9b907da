package io.keelson.controlplane.gateway;

import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The I/O threads of the gateway, shared by its server port and its channels to remote systems.
 * Sharing them lets a relayed call be read, forwarded and answered without a hand-off between
 * event loops; with few cores, fewer loops leave more CPU to the systems themselves.
 */
public record NettyTransport(EventLoopGroup loops,
                             Class<? extends ServerChannel> serverChannelType,
                             Class<? extends io.grpc.netty.shaded.io.netty.channel.Channel> clientChannelType)
        implements AutoCloseable {

    /** epoll where the platform has it, NIO elsewhere. */
    public static NettyTransport create(int threads, ThreadFactory threadFactory) {
        if (Epoll.isAvailable()) {
            return new NettyTransport(new EpollEventLoopGroup(threads, threadFactory),
                    EpollServerSocketChannel.class, EpollSocketChannel.class);
        }
        return new NettyTransport(new NioEventLoopGroup(threads, threadFactory),
                NioServerSocketChannel.class, NioSocketChannel.class);
    }

    @Override
    public void close() {
        loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
