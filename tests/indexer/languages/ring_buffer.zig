//! A fixed-capacity ring buffer.
const std = @import("std");
const Allocator = std.mem.Allocator;

/// A queue that overwrites its oldest item when full.
pub fn RingBuffer(comptime T: type) type {
    return struct {
        items: []T,
        head: usize = 0,
        len: usize = 0,

        const Self = @This();

        pub fn init(allocator: Allocator, capacity: usize) !Self {
            return .{ .items = try allocator.alloc(T, capacity) };
        }

        pub fn push(self: *Self, item: T) void {
            self.items[(self.head + self.len) % self.items.len] = item;
            if (self.len < self.items.len) self.len += 1 else self.head += 1;
        }
    };
}

/// Counters kept per buffer.
pub const Stats = struct {
    pushed: u64 = 0,
    dropped: u64 = 0,

    pub fn dropRate(self: Stats) f64 {
        if (self.pushed == 0) return 0;
        return @as(f64, @floatFromInt(self.dropped)) / @as(f64, @floatFromInt(self.pushed));
    }

    pub const Snapshot = struct {
        stats: Stats,

        pub fn take(stats: Stats) Snapshot {
            return .{ .stats = stats };
        }
    };
};

pub const Mode = enum {
    overwrite,
    reject,

    pub fn describe(mode: Mode) []const u8 {
        return switch (mode) {
            .overwrite => "overwrite oldest",
            .reject => "reject new",
        };
    }
};

fn nextPowerOfTwo(n: usize) usize {
    return std.math.ceilPowerOfTwo(usize, n) catch n;
}

test "stats start at zero" {
    const stats = Stats{};
    try std.testing.expectEqual(@as(f64, 0), stats.dropRate());
}

/// `error` is a keyword, so the name is quoted.
pub fn @"error"(stats: Stats) bool {
    return stats.dropped > 0;
}
