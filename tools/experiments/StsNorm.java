import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.*;
import org.bitsieve.core.eval.*;
import org.bitsieve.embed.*;
import java.nio.file.*;
import java.util.*;
/**
 * STS-B Spearman of ways to turn an asymmetric score into a similarity comparable across pairs, per encoder file:
 * the library's (SimilarityEval), the raw plane sum, the plane sum as a cosine (query-normalised), Hamming, and
 * for witq its decoder cosine centred and uncentred, and the mean of decoder and plane cosines.
 * Usage: java -Dsplit=test|dev|train [-Dshared=../shared] StsNorm MODEL ENCODER.bse...  (all-MiniLM test uses the
 * reference embeddings; anything else is embedded in-process through the embedding cache)
 */
public class StsNorm {
  static double dot(float[] a, int ao, float[] b, int bo, int n){double s=0;for(int i=0;i<n;i++)s+=a[ao+i]*b[bo+i];return s;}
  public static void main(String[] a) throws Exception {
    Path sh = Path.of(System.getProperty("shared", "../shared")); String model = a[0]; String split = System.getProperty("split","test");
    StsPairs sp = StsPairs.load(sh, model, split); FloatMatrix A = sp.a(), B = sp.b(); double[] gold = sp.gold();
    int n = gold.length, d = A.dim();
    double[] fl = new double[n]; for (int i=0;i<n;i++) fl[i]=dot(A.row(i),0,B.row(i),0,d);
    System.out.printf("%s float %.2f%n", model, 100*Metrics.spearman(fl,gold));
    for (int fi = 1; fi < a.length; fi++) {
      Encoder e = EncoderFiles.load(Path.of(a[fi]));
      PackedCodes ca = e.encodeAll(A), cb = e.encodeAll(B);
      int bits = e.bits();
      Map<String,float[]> ar = e.arrays();
      // per-vector projection t (bits) whose sign is the code: planes for plane encoders
      float[] P = ar.get("planes"), off = ar.get("offsets");
      double[] cur = new double[n], qn = new double[n], ham = new double[n], cen = new double[n];
      SimilarityEval se = new SimilarityEval(A, B, gold); var r = se.evaluate(e);
      for (int i=0;i<n;i++){
        ham[i] = -ca.hamming(i, cb.code(i));
        double s1=0,s2=0,n1=0,n2=0;
        for (int j=0;j<bits;j++){
          double t1 = dot(P,j*d,A.row(i),0,d)-off[j], t2 = dot(P,j*d,B.row(i),0,d)-off[j];
          s1 += t1*(cb.bit(i,j)?1:-1); s2 += t2*(ca.bit(i,j)?1:-1); n1+=t1*t1; n2+=t2*t2;
        }
        cur[i] = (s1+s2)/2; qn[i] = (s1/Math.sqrt(n1)+s2/Math.sqrt(n2))/2;
      }
      double[] dc = new double[n], uc = new double[n]; float[] D = ar.get("decoder"), C = ar.get("center");
      if (D != null) for (int i=0;i<n;i++){ double[] ha=new double[d], hb=new double[d];
          for (int j=0;j<bits;j++){ double sa=ca.bit(i,j)?1:-1, sb=cb.bit(i,j)?1:-1; for(int m=0;m<d;m++){ha[m]+=sa*D[j*d+m]; hb[m]+=sb*D[j*d+m];}}
          double x1=0,x2=0,na=0,nb=0,qa=0,qb=0; for(int m=0;m<d;m++){ double xa=A.row(i)[m]-C[m], xb=B.row(i)[m]-C[m]; x1+=xa*hb[m]; x2+=xb*ha[m]; na+=ha[m]*ha[m]; nb+=hb[m]*hb[m]; qa+=xa*xa; qb+=xb*xb; }
          dc[i] = (x1/Math.sqrt(nb*qa) + x2/Math.sqrt(na*qb))/2;
          double u1=0,u2=0,ua=0,ub=0; for(int m=0;m<d;m++){ double ra=ha[m]+C[m], rb=hb[m]+C[m]; u1+=A.row(i)[m]*rb; u2+=B.row(i)[m]*ra; ua+=ra*ra; ub+=rb*rb; }
          uc[i] = (u1/Math.sqrt(ub) + u2/Math.sqrt(ua))/2; }
      double[] mix=new double[n], mixh=new double[n]; for(int i=0;i<n;i++){ mix[i]=(uc[i]+qn[i])/2; mixh[i]=qn[i]+ham[i]/bits; }
      System.out.printf("centred decoder cosine %.2f uncentred %.2f  mix(dec,plane) %.2f%n", 100*Metrics.spearman(dc,gold), 100*Metrics.spearman(uc,gold), 100*Metrics.spearman(mix,gold));
      System.out.printf("%s: eval asym %.2f ham %.2f | raw plane score %.2f  query-normalised %.2f  hamming %.2f%n", a[fi].replaceAll(".*/",""), r.asymmetric(), r.hamming(),
        100*Metrics.spearman(cur,gold), 100*Metrics.spearman(qn,gold), 100*Metrics.spearman(ham,gold));
    }
  }
}
