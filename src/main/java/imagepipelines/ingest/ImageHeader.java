package imagepipelines.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import com.drew.imaging.FileType;
import com.drew.imaging.FileTypeDetector;
import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.jpeg.JpegDirectory;
import com.drew.metadata.png.PngDirectory;

/**
 * A quick in-JVM read (metadata-extractor) of what an image file really is, how large it says it is and how it is
 * oriented — before anything is decoded, so a header that claims 30000x30000 pixels is refused without a decode.
 */
public record ImageHeader(FileType type, int width, int height, int orientation) {

    public static ImageHeader read(byte[] bytes) throws IOException {
        FileType type;
        try (var in = new java.io.BufferedInputStream(new ByteArrayInputStream(bytes))) {
            type = FileTypeDetector.detectFileType(in);
        }
        if (type != FileType.Jpeg && type != FileType.Png) {
            throw new IOException(bytes.length == 0 ? "the file is empty"
                    : "the file is not a JPEG or PNG image (content looks like: " + type.getName() + ")");
        }
        Metadata md;
        try {
            md = ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length, type);
        } catch (ImageProcessingException e) {
            throw new IOException("the image header cannot be read: " + e.getMessage(), e);
        }
        int w = 0;
        int h = 0;
        try {
            if (type == FileType.Jpeg) {
                JpegDirectory jpeg = md.getFirstDirectoryOfType(JpegDirectory.class);
                if (jpeg == null) {
                    throw new IOException("the JPEG has no frame header (SOF)");
                }
                w = jpeg.getImageWidth();
                h = jpeg.getImageHeight();
            } else {
                PngDirectory png = md.getFirstDirectoryOfType(PngDirectory.class);
                if (png == null) {
                    throw new IOException("the PNG has no IHDR header");
                }
                w = png.getInt(PngDirectory.TAG_IMAGE_WIDTH);
                h = png.getInt(PngDirectory.TAG_IMAGE_HEIGHT);
                // IHDR holds unsigned 32-bit numbers, read here as int: past 2^31-1 they turn negative
                if (w < 0 || h < 0) {
                    throw new IOException("the PNG header claims " + Integer.toUnsignedString(w) + "x"
                            + Integer.toUnsignedString(h) + " pixels, past the format's limit of 2147483647");
                }
            }
        } catch (MetadataException e) {
            throw new IOException("the image header has no size: " + e.getMessage(), e);
        }
        int orientation = 1;
        Directory ifd0 = md.getFirstDirectoryOfType(ExifIFD0Directory.class);
        if (ifd0 != null && ifd0.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
            Integer o = ifd0.getInteger(ExifIFD0Directory.TAG_ORIENTATION);
            if (o != null && o >= 1 && o <= 8) {
                orientation = o;
            }
        }
        return new ImageHeader(type, w, h, orientation);
    }

    public long pixels() {
        return (long) width * height;
    }
}
