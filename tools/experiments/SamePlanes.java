import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.*;
import java.nio.file.*;
import java.util.*;
/** Whether two fitted plane encoders (.bse) hold the same planes, offsets and (witq) decoder, bit for bit. Args: a.bse b.bse */
public class SamePlanes {
  public static void main(String[] a) throws Exception {
    Encoder x = EncoderFiles.load(Path.of(a[0])), y = EncoderFiles.load(Path.of(a[1]));
    for (String k : new String[]{"planes", "offsets", "decoder"})
      System.out.println(k + ": " + (Arrays.equals(x.arrays().get(k), y.arrays().get(k)) ? "equal" : "different"));
  }
}
