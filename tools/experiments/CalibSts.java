import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.*;
import org.bitsieve.core.eval.*;
import org.bitsieve.embed.*;
import java.nio.file.*;
import java.util.*;
/** Per-query affine calibration of the asymmetric score against a reference sample of general sentences (STS only; kNN unchanged). */
public class CalibSts {
  static double dot(float[] a, float[] b){double s=0;for(int i=0;i<a.length;i++)s+=a[i]*b[i];return s;}
  static float[][] decodeUnit(Encoder e, PackedCodes codes) {
    float[][] out = Sts.decode(e, codes);
    for (float[] r : out) { double n = Math.sqrt(dot(r, r)); for (int m = 0; m < r.length; m++) r[m] /= n; }
    return out;
  }
  public static void main(String[] a) throws Exception {
    Path sh = Path.of(System.getProperty("shared", "../shared"));
    Encoder e = EncoderFiles.load(Path.of(a[0]));
    FloatMatrix all = PseudoDocs.generalVectors(sh);
    int[] perm = org.bitsieve.cli.FitCommand.sample(all.rows(), all.rows(), 7);
    int nref = Integer.getInteger("ref", 2000);
    FloatMatrix R = all.select(Arrays.copyOf(perm, nref));
    float[][] Rh = decodeUnit(e, e.encodeAll(R));
    String split = System.getProperty("split","dev");
    StsPairs sp = StsPairs.load(sh, "all-minilm-l6-v2", split); FloatMatrix A = sp.a(), B = sp.b(); double[] gold = sp.gold();
    int n = gold.length;
    float[][] Ah = decodeUnit(e, e.encodeAll(A)), Bh = decodeUnit(e, e.encodeAll(B));
    double[] fl=new double[n], cur=new double[n], cal=new double[n], slopeOnly=new double[n], icpt=new double[n];
    double[] ab = new double[2];
    for (int i=0;i<n;i++){
      fl[i]=dot(A.row(i),B.row(i));
      double e1=dot(A.row(i),Bh[i]), e2=dot(B.row(i),Ah[i]);
      cur[i]=(e1+e2)/2;
      double[] c1=fit(A.row(i),R,Rh), c2=fit(B.row(i),R,Rh);
      cal[i]=((c1[0]+c1[1]*e1)+(c2[0]+c2[1]*e2))/2;
      slopeOnly[i]=(c1[1]*e1+c2[1]*e2)/2;
      icpt[i]=((e1-c1[2])/c1[3]+(e2-c2[2])/c2[3])/2; // z-score of the estimate against the query's reference distribution
    }
    System.out.printf("STS-B %s: float %.2f current %.2f per-query affine %.2f slope-only %.2f z-scored %.2f%n", split, 100*Metrics.spearman(fl,gold), 100*Metrics.spearman(cur,gold), 100*Metrics.spearman(cal,gold), 100*Metrics.spearman(slopeOnly,gold), 100*Metrics.spearman(icpt,gold));
  }
  /** LS fit true = a + b est over the reference sample; also mean and sd of est. */
  static double[] fit(float[] q, FloatMatrix R, float[][] Rh){ int m=R.rows(); double sx=0,sy=0,sxx=0,sxy=0;
    for(int j=0;j<m;j++){ double x=dot(q,Rh[j]), y=dot(q,R.row(j)); sx+=x; sy+=y; sxx+=x*x; sxy+=x*y; }
    double mx=sx/m, my=sy/m, vx=sxx/m-mx*mx, cxy=sxy/m-mx*my; double b=cxy/vx; return new double[]{my-b*mx, b, mx, Math.sqrt(vx)}; }
}
