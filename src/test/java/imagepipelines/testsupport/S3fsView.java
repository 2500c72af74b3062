package imagepipelines.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * An object as the MapServer host sees it through its s3fs mount of the bucket (s3fs itself needs FUSE, which
 * does not run here): s3fs takes a file's permissions from the object metadata {@code mode} (st_mode in decimal),
 * its owner from {@code uid} / {@code gid} and its time from {@code mtime}; an object without them shows as
 * {@code ----------} owned by root. The file is written under {@code mountRoot/<key>} with those attributes
 * (the JVM must run as root to give it another owner).
 */
public final class S3fsView {

    private S3fsView() {
    }

    public static Path materialize(S3Client s3, String bucket, String key, Path mountRoot) {
        ResponseBytes<GetObjectResponse> o = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key));
        Map<String, String> meta = o.response().metadata();
        Path file = mountRoot.resolve(key);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, o.asByteArray());
            int mode = Integer.parseInt(meta.getOrDefault("mode", "0"));
            Files.setPosixFilePermissions(file, permissions(mode));
            Files.setAttribute(file, "unix:uid", Integer.parseInt(meta.getOrDefault("uid", "0")));
            Files.setAttribute(file, "unix:gid", Integer.parseInt(meta.getOrDefault("gid", "0")));
            long mtime = meta.containsKey("mtime") ? Long.parseLong(meta.get("mtime"))
                    : o.response().lastModified().getEpochSecond();
            Files.setLastModifiedTime(file, FileTime.fromMillis(mtime * 1000));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The permission bits of an st_mode. */
    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                p.add(order[i]);
            }
        }
        return p;
    }
}
