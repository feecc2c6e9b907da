package io.keelson.sysom.core.trace;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One entry of a rank's NCCL flight recorder (PyTorch's ring buffer of the collectives it issued): the process
 * group, the collective's sequence number on it, the operation ({@code all_reduce}, ...), how far it got, its
 * tensors' sizes, and when it was created, seen started and seen completed (ns since the epoch on the rank's clock; empty when not).
 */
public record FlightRecord(int rank, String processGroup, String groupDescription, long sequence, String operation, State state,
                           List<List<Long>> inputSizes, List<String> inputDtypes, OptionalLong createdNanos, OptionalLong startedNanos,
                           OptionalLong completedNanos, Optional<String> issuedAt, Optional<PointToPoint> pointToPoint) {

    /** A send or receive between two ranks of the group, numbered within the group as PyTorch names them ({@code send 1->2}). */
    public record PointToPoint(int source, int destination) {
    }

    /** PyTorch's entry states, in order. */
    public enum State { SCHEDULED, STARTED, COMPLETED }

    /** Point-to-point operations count on their own sequence ({@code p2p_seq_id}); their collective sequence is the last collective's. */
    public boolean isPointToPoint() {
        return operation.equals("send") || operation.equals("recv");
    }

    public FlightRecord {
        inputSizes = inputSizes.stream().map(List::copyOf).toList();
        inputDtypes = List.copyOf(inputDtypes);
    }

    /** Elements over all input tensors. */
    public long inputElements() {
        long n = 0;
        for (List<Long> shape : inputSizes) {
            long elements = 1;
            for (long d : shape) {
                elements *= d;
            }
            n += elements;
        }
        return n;
    }

    /** Input bytes, from each tensor's elements and dtype (PyTorch's scalar type names); 4 bytes where unknown. */
    public long inputBytes() {
        long bytes = 0;
        for (int i = 0; i < inputSizes.size(); i++) {
            long elements = 1;
            for (long d : inputSizes.get(i)) {
                elements *= d;
            }
            bytes += elements * dtypeBytes(i < inputDtypes.size() ? inputDtypes.get(i) : "");
        }
        return bytes;
    }

    static int dtypeBytes(String dtype) {
        return switch (dtype) {
            case "Double", "Long", "ComplexFloat" -> 8;
            case "Float", "Int", "ComplexHalf" -> 4;
            case "Half", "BFloat16", "Short" -> 2;
            case "Byte", "Char", "Bool", "Float8_e4m3fn", "Float8_e5m2", "Float8_e4m3fnuz", "Float8_e5m2fnuz" -> 1;
            case "ComplexDouble" -> 16;
            default -> 4;
        };
    }
}
