import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.*;
import org.bitsieve.core.eval.*;
import java.nio.file.*;
import java.util.*;
public class Sts {
  static float[][] decode(Encoder e, FloatMatrix x) { return decode(e, e.encodeAll(x)); }
  /** witq codes decoded: c + sum_j s_j D_j per code (also used by FactorPred and CalibSts). */
  static float[][] decode(Encoder e, PackedCodes codes) {
    float[] c = e.arrays().get("center"); float[] D = e.arrays().get("decoder");
    int b = e.bits(), d = e.dimension();
    float[][] out = new float[codes.count()][d];
    for (int i = 0; i < codes.count(); i++) { float[] r = out[i]; System.arraycopy(c,0,r,0,d);
      for (int j = 0; j < b; j++) { float s = codes.bit(i,j)?1f:-1f; for (int m=0;m<d;m++) r[m]+=s*D[j*d+m]; } }
    return out;
  }
  static double dot(float[] a, float[] b){double s=0;for(int i=0;i<a.length;i++)s+=a[i]*b[i];return s;}
  public static void main(String[] a) throws Exception {
    Path sh = Path.of(System.getProperty("shared", "../shared"));
    StsPairs sp = StsPairs.load(sh, "all-minilm-l6-v2", "test"); FloatMatrix A = sp.a(), B = sp.b(); double[] gold = sp.gold();
    for (String f : a) {
      Encoder e = EncoderFiles.load(Path.of(f));
      float[][] ha = decode(e, A), hb = decode(e, B);
      int n = gold.length; double[] cur=new double[n], orc=new double[n], sym=new double[n], raw=new double[n], fl=new double[n];
      double qa=0;
      for (int i=0;i<n;i++){ float[] x=A.row(i), y=B.row(i);
        double na=Math.sqrt(dot(ha[i],ha[i])), nb=Math.sqrt(dot(hb[i],hb[i]));
        double ca = dot(x,ha[i])/na, cb = dot(y,hb[i])/nb; qa+=ca;
        cur[i] = (dot(x,hb[i])/nb + dot(y,ha[i])/na)/2;
        orc[i] = (dot(x,hb[i])/nb/cb + dot(y,ha[i])/na/ca)/2;
        sym[i] = dot(ha[i],hb[i])/(na*nb);
        raw[i] = (dot(x,hb[i]) + dot(y,ha[i]))/2;
        fl[i] = dot(x,y);
      }
      double[] NA=new double[n], CA=new double[n]; for(int i=0;i<n;i++){NA[i]=Math.sqrt(dot(ha[i],ha[i])); CA[i]=dot(A.row(i),ha[i])/NA[i];}
      double mx=0,my=0; for(int i=0;i<n;i++){mx+=NA[i];my+=CA[i];} mx/=n; my/=n; double sxy=0,sxx=0; for(int i=0;i<n;i++){sxy+=(NA[i]-mx)*(CA[i]-my); sxx+=(NA[i]-mx)*(NA[i]-mx);} double beta=sxy/sxx, alpha=my-beta*mx;
      double[] pred=new double[n]; for (int i=0;i<n;i++){ double na=Math.sqrt(dot(ha[i],ha[i])), nb=Math.sqrt(dot(hb[i],hb[i])); pred[i]=(dot(A.row(i),hb[i])/nb/(alpha+beta*nb) + dot(B.row(i),ha[i])/na/(alpha+beta*na))/2; }
      System.out.printf("pearson(norm, cos(x,xhat)) %.3f  pred-corrected %.2f%n", Metrics.pearson(NA,CA), 100*Metrics.spearman(pred,gold));
      System.out.printf("%s: float %.2f cur %.2f oracle %.2f sym %.2f raw %.2f  mean cos(x,xhat) %.4f%n", f, 100*Metrics.spearman(fl,gold),100*Metrics.spearman(cur,gold),100*Metrics.spearman(orc,gold),100*Metrics.spearman(sym,gold),100*Metrics.spearman(raw,gold), qa/n);
    }
  }
}
