import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.*;
import org.bitsieve.core.eval.*;
import java.nio.file.*;
import java.util.*;
public class Knn {
  static double dot(float[] a, float[] b){double s=0;for(int i=0;i<a.length;i++)s+=a[i]*b[i];return s;}
  static int[] labels(Path p) throws Exception { List<Integer> o=new ArrayList<>(); try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(new java.util.zip.GZIPInputStream(Files.newInputStream(p))))) { String l; while((l=r.readLine())!=null){ var m=java.util.regex.Pattern.compile("\"label\":\\s*(\\d+)").matcher(l); m.find(); o.add(Integer.parseInt(m.group(1)));}} return o.stream().mapToInt(i->i).toArray(); }
  public static void main(String[] a) throws Exception {
    Path sh = Path.of("/work/shared");
    String ds = a[1];
    FloatMatrix tr = Npy.read(sh.resolve("embeddings/all-minilm-l6-v2/"+ds+"/train.npy"));
    FloatMatrix te = Npy.read(sh.resolve("embeddings/all-minilm-l6-v2/"+ds+"/test.npy"));
    int[] ytr = labels(sh.resolve("data/"+ds+"/train.jsonl.gz")), yte = labels(sh.resolve("data/"+ds+"/test.jsonl.gz"));
    Encoder e = EncoderFiles.load(Path.of(a[0]));
    float[][] h = Sts.decode(e, tr);
    int n=tr.rows(), d=tr.dim();
    double[] inv=new double[n], invO=new double[n], invQ=new double[n];
    for(int i=0;i<n;i++){ double nn=Math.sqrt(dot(h[i],h[i])); double c=dot(tr.row(i),h[i])/nn; inv[i]=1/nn; invO[i]=1/(nn*c); double cq = Math.round(c*255)/255.0; invQ[i]=1/(nn*cq);} 
    int K=10; int[] correct=new int[4];
    for (int q=0;q<te.rows();q++){ float[] x=te.row(q); double[][] sc=new double[4][n];
      for(int i=0;i<n;i++){ double r=dot(x,h[i]); sc[0][i]=r*inv[i]; sc[1][i]=r*invO[i]; sc[2][i]=r*invQ[i]; sc[3][i]=dot(x,tr.row(i)); }
      for(int v=0;v<4;v++){ Integer[] idx=new Integer[n]; for(int i=0;i<n;i++)idx[i]=i; final double[] s=sc[v]; Arrays.sort(idx,(p,r)->Double.compare(s[r],s[p]));
        Map<Integer,Integer> votes=new HashMap<>(); for(int k=0;k<K;k++) votes.merge(ytr[idx[k]],1,Integer::sum);
        int best=-1,bv=-1; for(int k=0;k<K;k++){int l=ytr[idx[k]]; int c=votes.get(l); if(c>bv){bv=c;best=l;}}
        if(best==yte[q]) correct[v]++; }
    }
    System.out.printf("%s %s: cur %.2f oracle %.2f oracle8bit %.2f float %.2f%n", ds, a[0].replaceAll(".*/",""), 100.0*correct[0]/te.rows(),100.0*correct[1]/te.rows(),100.0*correct[2]/te.rows(),100.0*correct[3]/te.rows());
  }
}
