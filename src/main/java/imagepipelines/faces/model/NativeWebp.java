package imagepipelines.faces.model;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;
import jdk.incubator.foreign.SymbolLookup;

/**
 * WebP decoding with the system's libwebp through the JDK 17 foreign-function API ({@code jdk.incubator.foreign}):
 * about ten times faster than the pure-Java ImageIO plugin. Needs the JVM options
 * {@code --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED} and libwebp (Debian
 * {@code libwebp7}); {@link FaceImageDecoder} falls back to ImageIO when any of it is missing. Loaded only through
 * {@link #load()}, so the class is never touched without the module.
 */
final class NativeWebp {
    private static final String[] CANDIDATES = {
        "/usr/lib/x86_64-linux-gnu/libwebp.so.7", "/usr/lib/aarch64-linux-gnu/libwebp.so.7", "/usr/lib/libwebp.so.7",
        "/usr/lib64/libwebp.so.7", "/usr/local/lib/libwebp.so.7", "/opt/homebrew/lib/libwebp.dylib"};

    private final MethodHandle getInfo;
    private final MethodHandle decodeBgrInto;

    private NativeWebp(MethodHandle getInfo, MethodHandle decodeBgrInto) {
        this.getInfo = getInfo;
        this.decodeBgrInto = decodeBgrInto;
    }

    /** Binds libwebp; throws when the library or the native access is unavailable. */
    static NativeWebp load() {
        String configured = System.getProperty("imagepipelines.libwebp");
        boolean loaded = false;
        if (configured != null && !configured.isBlank()) {
            System.load(configured);
            loaded = true;
        } else {
            for (String c : CANDIDATES) {
                if (Files.isRegularFile(Path.of(c))) {
                    System.load(c);
                    loaded = true;
                    break;
                }
            }
            if (!loaded) {
                System.loadLibrary("webp");
            }
        }
        CLinker linker = CLinker.getInstance();
        SymbolLookup lookup = SymbolLookup.loaderLookup();
        MethodHandle info = linker.downcallHandle(
                lookup.lookup("WebPGetInfo").orElseThrow(() -> new UnsatisfiedLinkError("WebPGetInfo")),
                MethodType.methodType(int.class, MemoryAddress.class, long.class, MemoryAddress.class,
                        MemoryAddress.class),
                FunctionDescriptor.of(CLinker.C_INT, CLinker.C_POINTER, CLinker.C_LONG, CLinker.C_POINTER,
                        CLinker.C_POINTER));
        MethodHandle decode = linker.downcallHandle(
                lookup.lookup("WebPDecodeBGRInto").orElseThrow(() -> new UnsatisfiedLinkError("WebPDecodeBGRInto")),
                MethodType.methodType(MemoryAddress.class, MemoryAddress.class, long.class, MemoryAddress.class,
                        long.class, int.class),
                FunctionDescriptor.of(CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_LONG, CLinker.C_POINTER,
                        CLinker.C_LONG, CLinker.C_INT));
        return new NativeWebp(info, decode);
    }

    /** The image as TYPE_3BYTE_BGR (alpha dropped), or null when libwebp cannot decode the bytes. */
    BufferedImage decode(byte[] data) {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment in = MemorySegment.allocateNative(data.length, scope);
            in.copyFrom(MemorySegment.ofArray(data));
            MemorySegment dims = MemorySegment.allocateNative(8, 4, scope);
            int ok = (int) getInfo.invokeExact(in.address(), (long) data.length, dims.address(),
                    dims.address().addOffset(4));
            if (ok == 0) {
                return null;
            }
            int w = MemoryAccess.getIntAtOffset(dims, 0);
            int h = MemoryAccess.getIntAtOffset(dims, 4);
            long size = (long) w * h * 3;
            if (w <= 0 || h <= 0 || size > Integer.MAX_VALUE) {
                return null;
            }
            MemorySegment out = MemorySegment.allocateNative(size, scope);
            MemoryAddress r = (MemoryAddress) decodeBgrInto.invokeExact(in.address(), (long) data.length,
                    out.address(), size, w * 3);
            if (r.equals(MemoryAddress.NULL)) {
                return null;
            }
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            MemorySegment.ofArray(px).copyFrom(out);
            return img;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("libwebp call failed", t);
        }
    }
}
