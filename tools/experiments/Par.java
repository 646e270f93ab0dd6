import org.bitsieve.core.encode.*; import org.bitsieve.core.io.*; import java.nio.file.*;
public class Par { public static void main(String[] a) throws Exception { for (String f : a) { Encoder e = EncoderFiles.load(Path.of(f)); float[] w = e.arrays().get("planes"); int b=e.bits(), d=e.dimension(); int par=0; double maxc=0; int[] hist=new int[5];
 for(int i=0;i<b;i++) for(int j=i+1;j<b;j++){ double dot=0,na=0,nb=0; for(int m=0;m<d;m++){dot+=w[i*d+m]*w[j*d+m];na+=w[i*d+m]*w[i*d+m];nb+=w[j*d+m]*w[j*d+m];} double c=Math.abs(dot)/Math.sqrt(na*nb); if(c>0.99)par++; maxc=Math.max(maxc,c); hist[Math.min(4,(int)(c*5))]++; }
 System.out.printf("%s: pairs |cos|>0.99: %d, max %.3f, hist %s%n", f.replaceAll(".*/",""), par, maxc, java.util.Arrays.toString(hist)); } } }
